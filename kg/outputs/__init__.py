"""Every output of the graph: the files and pictures made from what the catalog and the mechanism answer.

Its modules:

- :mod:`kg.outputs.export` — the export formats (OWL, Turtle, JSON-LD, KGX, GraphML, Cytoscape JSON, CX2), one
  writers table;
- :mod:`kg.outputs.map` — the interactive mechanism map: its data and the one self-contained HTML page;
- :mod:`kg.outputs.layout` — the map's designed layouts (the causal flow and the force-directed view) and module
  areas, computed once in Python;
- :mod:`kg.outputs.figure` — the figure of a simulation (P, A, H and dP/dD against dose), PNG or SVG;
- ``templates/`` — the map's page (``map.html``, ``map.css``), its main script ``map.js`` and the parts it calls,
  inlined before it in this order: ``map-legend.js`` (the legend), ``map-context.js`` (the context switch),
  ``map-panels.js`` (the evidence panels), ``map-paths.js`` (path search), ``map-simulator.js`` (the simulator),
  ``map-figure.js`` (SVG and PNG export), ``map-table.js`` (the table view) and ``map-modules.js`` (modules that
  collapse in place).
"""
