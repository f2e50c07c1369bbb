"""How results show themselves: the wing owns the display of answers, never their computation.

It stands on the schema alone (:mod:`kg.schema`; a catalog is only passed in), so every layer above may use it. Its
modules:

- :mod:`kg.present.notebook` — HTML tables in a notebook and pandas DataFrames: the :class:`~kg.present.notebook.Table`
  mixin the result types of every layer share, :class:`~kg.present.notebook.Rows` and
  :class:`~kg.present.notebook.Card`, and the map shown inline (:class:`~kg.present.notebook.MapView`);
- :mod:`kg.present.display` — the stored evidence as display text: the article's inline LaTeX read as plain text,
  evidence codes and citations named, the reasoner's intervention → pathway links explained.
"""
