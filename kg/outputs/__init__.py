"""Every output of the graph: the export formats (:mod:`kg.outputs.export`), the interactive map
(:mod:`kg.outputs.map`) with its designed layout (:mod:`kg.outputs.layout`) and its templates, and the figure of a
simulation (:mod:`kg.outputs.figure`)."""
