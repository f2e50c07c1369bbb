/* oihkg mechanism map, the table view: every node and every asserted edge as rows a keyboard reaches (Tab), Enter or
   a click showing the row on the map with its panel. Built when first opened. Registers in window.oihParts; map.js
   calls it with the page's API. */
(function () {
  "use strict";
  (window.oihParts = window.oihParts || []).push((page) => {
    const { D, meta, network, el, label } = page;
    const box = document.getElementById("table-box");
    const area = new Map();
    for (const a of D.areas || []) for (const m of a.members) area.set(m, a.label);

    function row(cells, act) {
      const tr = el("tr", { tabindex: "0" }, ...cells.map((c) => el("td", {}, c)));
      tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); act(); } });
      tr.addEventListener("click", act);
      return tr;
    }
    function showEdge(eid) {
      const e = meta.edges[eid];
      page.showWhole([e.subject, e.object], false);
      network.setSelection({ nodes: [], edges: [eid] }, { unselectAll: true });
      page.edgePanel(eid);
      page.fitBeside([e.subject, e.object]);
    }
    function build() {
      const nodes = el("table", { "aria-label": "nodes" }, el("tr", {}, el("th", {}, "node"), el("th", {}, "type"), el("th", {}, "module")));
      for (const n of Object.values(meta.nodes).sort((a, b) => a.label.localeCompare(b.label))) {
        nodes.append(row([n.label, meta.categories[n.category].label, area.get(n.id) || "—"], () => {
          page.showWhole([n.id], false);
          page.focus(n.id);
        }));
      }
      const edges = el("table", { "aria-label": "edges" }, el("tr", {}, el("th", {}, "from"), el("th", {}, "sign"), el("th", {}, "to")));
      const asserted = Object.values(meta.edges).filter((e) => !e.inferred);
      asserted.sort((a, b) => label(a.subject).localeCompare(label(b.subject)) || label(a.object).localeCompare(label(b.object)));
      for (const e of asserted) {
        const sign = e.sign === 1 ? "+ →" : e.sign === -1 ? "− ⊣" : e.relation;
        edges.append(row([label(e.subject), sign, label(e.object)], () => showEdge(e.id)));
      }
      box.append(el("h3", {}, `Nodes (${meta ? Object.keys(meta.nodes).length : 0})`), nodes, el("h3", {}, `Asserted edges (${asserted.length})`), edges);
    }
    box.addEventListener("toggle", () => { if (box.open && !box.querySelector("table")) build(); });
    return {};
  });
})();
