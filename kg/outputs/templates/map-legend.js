/* oihkg mechanism map, the legend: a strip on the canvas, always in view, with the node types the map shows and its one
   sign convention. The first part registered, so its rows come before those another part adds (map-context.js: the
   context tags). Registers in window.oihParts; map.js calls it with the page's API. */
(function () {
  "use strict";
  (window.oihParts = window.oihParts || []).push((page) => {
    const { D, meta, el } = page;
    const present = new Set(D.nodes.map((n) => n.category));

    // -- legend: a strip on the canvas, always in view; one sign convention (arrow +, bar −, colour the second cue)
    const legend = document.getElementById("legend");
    const item = (...c) => el("span", { class: "legend-row" }, ...c);
    for (const [cat, c] of Object.entries(meta.categories)) {
      if (present.has(cat)) legend.append(item(el("span", { class: `glyph ${c.shape}`, style: `--c:${c.color}` }), c.label));
    }
    const sc = meta.signColours;
    legend.append(el("br", {}),
      item(el("span", { class: "sign", style: `color:${sc["+"]}` }, "─▶"), "+ increases (border: up)"),
      item(el("span", { class: "sign", style: `color:${sc["-"]}` }, "─┤"), "− decreases (border: down)"),
      item(el("span", { class: "sign", style: `color:${sc.none}` }, "──"), "unsigned"),
      item(el("span", { class: "sign", style: `color:${sc["+"]}` }, "╌▶"), "inferred by the reasoner"),
      item(el("span", { class: "swatch", style: "background:#9ecae1;opacity:.6" }), "module area"));
    return {};
  });
})();
