/* oihkg mechanism map: search, filters, evidence panel, intervention highlight, physics, PNG export.
   Data come inlined as window.OIH_DATA (kg/viz.py); nothing is fetched. window.oihMap is the
   page's small API (used by the tests and handy from the console). */
(function () {
  "use strict";
  const D = window.OIH_DATA;
  const meta = D.meta;
  const EFFECT = { up: "#b2182b", down: "#2166ac", ambiguous: "#762a83" };
  const state = { hiddenTypes: new Set(), pathway: "", inferred: false, intervention: "", highlighted: { nodes: [], pathways: [] } };

  const original = new Map(D.nodes.map((n) => [n.id, { color: n.color, borderWidth: 1, font: { color: "#222" } }]));
  const nodes = new vis.DataSet(D.nodes);
  const edges = new vis.DataSet(D.edges);
  const nodeView = new vis.DataView(nodes, { filter: nodeVisible });
  const edgeView = new vis.DataView(edges, { filter: edgeVisible });
  const container = document.getElementById("network");
  const network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, D.options);
  let stabilized = false;

  function nodeVisible(n) {
    if (state.hiddenTypes.has(n.category)) return false;
    if (!state.pathway) return true;
    return n.id === state.pathway || (meta.nodes[n.id].pathways || []).includes(state.pathway);
  }
  function edgeVisible(e) {
    if (e.inferred && !state.inferred) return false;
    return nodeView.get(e.from) !== null && nodeView.get(e.to) !== null;
  }
  function refresh() {
    nodeView.refresh();
    edgeView.refresh();
    document.getElementById("count").textContent =
      `${nodeView.length} of ${nodes.length} nodes, ${visibleEdges()} edges shown`;
  }

  function visibleEdges() { return edgeView.get({ filter: (e) => !e.membership }).length; }

  // -- small DOM helpers (text only: no HTML from data)
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  function link(id, url) { return el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, id); }
  function label(id) { return (meta.nodes[id] || { label: id }).label; }
  function citation(c) { return `problem_id:${c}`; }

  // -- panel
  const panel = document.getElementById("panel");
  function show(...children) { panel.replaceChildren(...children); }

  function nodePanel(id) {
    const n = meta.nodes[id];
    const dl = el("dl", {});
    const add = (term, ...dd) => { if (dd.length) dl.append(el("dt", {}, term), el("dd", {}, ...dd)); };
    add("Identifier", link(id, n.url));
    add("Type", `${meta.categories[n.category].label} (${n.type})`);
    if (n.definition) add("Definition", n.definition);
    if (n.synonyms && n.synonyms.length) add("Synonyms", n.synonyms.join(", "));
    if (n.xrefs && n.xrefs.length) {
      const span = el("span", {});
      n.xrefs.forEach((x, i) => { if (i) span.append(", "); span.append(link(x.id, x.url)); });
      add("Cross-references", span);
    }
    if (n.pathways.length) add("Pathways", n.pathways.map(label).join("; "));
    const related = Object.values(meta.edges).filter((e) => !e.inferred && (e.subject === id || e.object === id));
    const ul = el("ul", {});
    for (const e of related) {
      const item = el("li", {}, `${label(e.subject)} ${e.relation} ${label(e.object)}`);
      if (e.citations.length) item.append(" [", e.citations.map(citation).join(", "), "]");
      ul.append(item);
    }
    add(`Asserted edges (${related.length})`, ul);
    show(el("h3", {}, n.label), dl);
  }

  function edgePanel(eid) {
    const e = meta.edges[eid];
    const sign = e.sign === 1 ? "+ (increases)" : e.sign === -1 ? "− (decreases)" : "unsigned";
    const dl = el("dl", {});
    const add = (term, ...dd) => dl.append(el("dt", {}, term), el("dd", {}, ...dd));
    add("Relation", `${e.relation} (${e.predicate})`);
    add("Sign", sign);
    add("Status", e.via ? `inferred by the reasoner (HermiT): what the text says of ${label(e.via)} holds for each member`
      : e.inferred ? "inferred by the reasoner (HermiT)" : "asserted, curated from the source text");
    if (e.context) add("Holds only in", label(e.context));
    add("Citations", e.citations.length ? e.citations.map(citation).join(", ") : "none: the quoted sentence cites nothing");
    if (e.quote) add("Quote", el("blockquote", {}, e.quote));
    if (e.evidenceType) add("Evidence type", link(e.evidenceType, `https://bioregistry.io/${e.evidenceType}`));
    show(el("h3", {}, `${label(e.subject)} → ${label(e.object)}`), dl);
  }

  network.on("click", (p) => {
    if (p.nodes.length) nodePanel(p.nodes[0]);
    else if (p.edges.length) edgePanel(p.edges[0]);
  });

  // -- search
  const names = new Map();
  for (const [id, n] of Object.entries(meta.nodes)) {
    for (const s of [n.label, id, ...(n.synonyms || [])]) {
      const k = s.toLowerCase();
      if (!names.has(k)) names.set(k, id);
    }
  }
  const datalist = document.getElementById("names");
  for (const n of Object.values(meta.nodes).sort((a, b) => a.label.localeCompare(b.label))) {
    datalist.append(el("option", { value: n.label }));
  }
  function find(text) {
    const q = text.trim().toLowerCase();
    if (!q) return null;
    if (names.has(q)) return names.get(q);
    for (const [k, id] of names) if (k.startsWith(q)) return id;
    for (const [k, id] of names) if (k.includes(q)) return id;
    return null;
  }
  function focus(id) {
    const msg = document.getElementById("search-message");
    if (nodeView.get(id) === null) { msg.textContent = `${label(id)} is hidden by the filters`; return false; }
    msg.textContent = "";
    network.selectNodes([id]);
    network.focus(id, { scale: 1.3, animation: false });
    nodePanel(id);
    return true;
  }
  document.getElementById("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = document.getElementById("search").value;
    const id = find(text);
    if (id === null) document.getElementById("search-message").textContent = `no node matches “${text}”`;
    else focus(id);
  });

  // -- filters
  const typeBox = document.getElementById("type-filter");
  const present = new Set(D.nodes.map((n) => n.category));
  for (const [cat, c] of Object.entries(meta.categories)) {
    if (!present.has(cat)) continue;
    const box = el("input", { type: "checkbox", value: cat, checked: "" });
    box.addEventListener("change", () => { if (box.checked) state.hiddenTypes.delete(cat); else state.hiddenTypes.add(cat); refresh(); });
    typeBox.append(el("label", {}, box, el("span", { class: "swatch", style: `background:${c.color}` }), c.label));
  }
  const pathwaySelect = document.getElementById("pathway-filter");
  for (const [id, name] of Object.entries(meta.pathways)) pathwaySelect.append(el("option", { value: id }, name));
  pathwaySelect.addEventListener("change", () => { state.pathway = pathwaySelect.value; refresh(); });
  document.getElementById("show-inferred").addEventListener("change", (ev) => { state.inferred = ev.target.checked; refresh(); });

  // -- intervention highlight
  const ivSelect = document.getElementById("intervention");
  for (const [id, iv] of Object.entries(meta.interventions).sort((a, b) => a[1].label.localeCompare(b[1].label))) {
    ivSelect.append(el("option", { value: id }, iv.label));
  }
  function highlight(id) {
    state.intervention = id;
    nodes.update([...original].map(([nid, o]) => ({ id: nid, ...o, color: o.color, opacity: 1 })));
    state.highlighted = { nodes: [], pathways: [] };
    if (!id) { show(el("p", { class: "hint" }, "No intervention selected.")); return; }
    const iv = meta.interventions[id];
    const inPathway = new Set(Object.keys(meta.nodes).filter((n) =>
      iv.pathways.includes(n) || meta.nodes[n].pathways.some((p) => iv.pathways.includes(p))));
    const targets = new Set(iv.targets.map((t) => t.id));
    const updates = [];
    for (const n of nodes.get()) {
      const effect = iv.effects[n.id];
      const lit = inPathway.has(n.id) || targets.has(n.id) || n.id === id || effect;
      updates.push({
        id: n.id, opacity: lit ? 1 : 0.25,
        borderWidth: effect ? 4 : inPathway.has(n.id) ? 2 : 1,
        color: effect ? { background: original.get(n.id).color, border: EFFECT[effect] } : original.get(n.id).color,
      });
    }
    nodes.update(updates);
    state.highlighted = { nodes: [...new Set([id, ...inPathway, ...targets])], pathways: [...iv.pathways] };
    const shown = state.highlighted.nodes.filter((n) => nodeView.get(n) !== null);
    if (shown.length) network.fit({ nodes: shown, animation: false });
    const dl = el("dl", {});
    const add = (term, ...dd) => dl.append(el("dt", {}, term), el("dd", {}, ...dd));
    add("Acts on", iv.targets.map((t) => `${t.action} ${t.label}`).join("; ") || "—");
    const ul = el("ul", {});
    for (const p of iv.pathways) ul.append(el("li", {}, meta.pathways[p] + (iv.inferred.includes(p) ? " (inferred by HermiT)" : "")));
    add("Targets pathways", ul);
    if (iv.classes.length) add("Classified as", iv.classes.join("; "));
    const s = iv.summary;
    const eff = el("span", {});
    for (const [k, name] of [["A", "analgesia A"], ["H", "hyperalgesic component H"], ["P", "net pain P"]]) {
      eff.append(el("span", { class: s[k] }, `${name}: ${s[k]}`), el("br", {}));
    }
    add("Predicted effect of giving it", eff);
    add("Node borders", el("span", {}, el("span", { class: "up" }, "up "), el("span", { class: "down" }, "down "),
      el("span", { class: "ambiguous" }, "ambiguous")));
    show(el("h3", {}, iv.label), dl);
  }
  ivSelect.addEventListener("change", () => highlight(ivSelect.value));

  // -- physics: settle, then freeze; the button toggles
  const physicsButton = document.getElementById("physics-toggle");
  function setPhysics(on) {
    network.setOptions({ physics: { enabled: on } });
    physicsButton.textContent = on ? "Physics: on (freeze)" : "Physics: frozen (resume)";
    physicsButton.dataset.on = on ? "1" : "0";
  }
  network.once("stabilizationIterationsDone", () => { stabilized = true; setPhysics(false); });
  physicsButton.addEventListener("click", () => setPhysics(physicsButton.dataset.on !== "1"));
  document.getElementById("fit").addEventListener("click", () => network.fit({ animation: false }));

  // -- export PNG (white background under the transparent canvas)
  function pngDataUrl() {
    const src = container.querySelector("canvas");
    const out = document.createElement("canvas");
    out.width = src.width; out.height = src.height;
    const ctx = out.getContext("2d");
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, out.width, out.height); ctx.drawImage(src, 0, 0);
    return out.toDataURL("image/png");
  }
  document.getElementById("export-png").addEventListener("click", () => {
    const a = el("a", { href: pngDataUrl(), download: "oihkg-map.png" });
    document.body.append(a); a.click(); a.remove();
  });

  // -- legend
  const legend = document.getElementById("legend");
  for (const [cat, c] of Object.entries(meta.categories)) {
    if (present.has(cat)) legend.append(el("div", { class: "legend-row" }, el("span", { class: "swatch", style: `background:${c.color}` }), `${c.label} (${c.shape})`));
  }
  const sc = meta.signColours;
  legend.append(
    el("div", { class: "legend-row" }, el("span", { class: "line", style: `border-color:${sc["+"]}` }), "+ increases (arrow)"),
    el("div", { class: "legend-row" }, el("span", { class: "line", style: `border-color:${sc["-"]}` }), "− decreases (bar)"),
    el("div", { class: "legend-row" }, el("span", { class: "line", style: `border-color:${sc.none}` }), "unsigned relation"),
    el("div", { class: "legend-row" }, el("span", { class: "line", style: `border-color:${sc["+"]};border-top-style:dashed` }), "inferred by the reasoner"));

  refresh();
  window.oihMap = {
    network, nodes, edges,
    visibleNodeCount: () => nodeView.length,
    visibleEdgeCount: visibleEdges,
    isStabilized: () => stabilized,
    physicsOn: () => physicsButton.dataset.on === "1",
    find, focus, highlight,
    highlighted: () => state.highlighted,
    selected: () => network.getSelectedNodes(),
    pngDataUrl,
  };
})();
