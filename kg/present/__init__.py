"""How results show themselves: HTML tables in a notebook (:mod:`kg.present.notebook`) and the stored evidence as
display text (:mod:`kg.present.display`). It stands on the schema alone, so every layer above may use it."""
