/* oihkg mechanism map: search, filters, evidence panel, intervention highlight, layouts, physics, PNG export, and the
   view kept in the URL's fragment. Data come inlined as window.OIH_DATA (kg/viz.py). window.oihMap is the page's small
   API (used by the tests and handy from the console). Parts in their own scripts (map-context.js: the context switch;
   map-paths.js: path search, from the server's /paths; map-simulator.js: the simulator, from /simulate) register in
   window.oihParts before this script runs; each gets the page's API and may answer the hooks called below (rows of
   the panels, save and restore of the view, click, ready). */
(function () {
  "use strict";
  const D = window.OIH_DATA;
  const meta = D.meta;
  const EFFECT = { up: "#b2182b", down: "#2166ac", ambiguous: "#762a83" };
  const state = { hiddenTypes: new Set(), pathway: "", inferred: false, intervention: "", context: "",
    highlighted: { nodes: [], pathways: [] } };
  let parts = [];
  const hook = (name, ...args) => parts.forEach((p) => p[name] && p[name](...args));

  // an update names the node's level: vis lays the hierarchical network out afresh when an update's level differs
  const original = new Map(D.nodes.map((n) => [n.id, { color: n.color, borderWidth: 1, font: { color: "#222" }, level: n.level }]));
  const nodes = new vis.DataSet(D.nodes);
  const edges = new vis.DataSet(D.edges);
  const nodeView = new vis.DataView(nodes, { filter: nodeVisible });
  const edgeView = new vis.DataView(edges, { filter: edgeVisible });
  const container = document.getElementById("network");
  const network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, JSON.parse(JSON.stringify(D.options)));
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
  // vis lays a hierarchical network out afresh whenever a filter adds or removes a node or an edge: each node is put
  // back where it was (or, coming back into view, where it last was), so a filter never moves the diagram
  const home = {};
  function refresh() {
    Object.assign(home, network.getPositions());
    nodeView.refresh();
    edgeView.refresh();
    for (const id of nodeView.getIds()) if (home[id]) network.moveNode(id, home[id].x, home[id].y);
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
  // the panel opens over the map's right edge when there is something to show, so the map has the width at its fit
  const panel = document.getElementById("panel");
  function closePanel() { panel.replaceChildren(); panel.classList.remove("open"); }
  // fit these nodes into the part of the map the open panel leaves uncovered
  function fitBeside(ids) {
    network.fit({ nodes: ids, animation: false });
    const covered = panel.classList.contains("open") ? panel.offsetWidth : 0, width = container.clientWidth;
    if (!covered || covered >= width) return;
    const scale = network.getScale() * (width - covered) / width, at = network.getViewPosition();
    network.moveTo({ position: { x: at.x + covered / 2 / scale, y: at.y }, scale, animation: false });
  }
  function show(...children) {
    const close = el("button", { type: "button", class: "close", "aria-label": "close panel", title: "close" }, "×");
    close.addEventListener("click", closePanel);
    panel.replaceChildren(close, ...children);
    panel.classList.add("open");
  }
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
    hook("nodeRows", id, add);
    show(el("h3", {}, n.label), dl);
  }
  function edgePanel(eid) {
    const e = meta.edges[eid];
    const dl = el("dl", {});
    const add = (term, ...dd) => dl.append(el("dt", {}, term), el("dd", {}, ...dd));
    add("Relation", `${e.relation} (${e.predicate})`);
    add("Sign", e.sign === 1 ? "+ (increases)" : e.sign === -1 ? "− (decreases)" : "unsigned");
    add("Status", e.via ? `inferred by the reasoner (HermiT): what the text says of ${label(e.via)} holds for each member`
      : e.inferred ? "inferred by the reasoner (HermiT)" : "asserted, curated from the source text");
    hook("edgeRows", e, add);
    add("Citations", e.citations.length ? e.citations.map(citation).join(", ") : "none: the quoted sentence cites nothing");
    if (e.quote) add("Quote", el("blockquote", {}, e.quote));
    if (e.evidenceType) add("Evidence type", link(e.evidenceType, `https://bioregistry.io/${e.evidenceType}`));
    show(el("h3", {}, `${label(e.subject)} → ${label(e.object)}`), dl);
  }
  network.on("click", (p) => {
    if (p.nodes.length) nodePanel(p.nodes[0]);
    else if (p.edges.length) edgePanel(network.getEdgeAt(p.pointer.DOM) ?? p.edges[0]);  // the one drawn on top
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
  function showType(cat, shown) {
    if (shown) state.hiddenTypes.delete(cat); else state.hiddenTypes.add(cat);
    const box = document.querySelector(`#type-filter input[value="${CSS.escape(cat)}"]`);
    if (box) box.checked = shown;
  }
  const typeBox = document.getElementById("type-filter");
  const present = new Set(D.nodes.map((n) => n.category));
  for (const [cat, c] of Object.entries(meta.categories)) {
    if (!present.has(cat)) continue;
    const box = el("input", { type: "checkbox", value: cat, checked: "" });
    box.addEventListener("change", () => { showType(cat, box.checked); refresh(); });
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
    const iv = meta.interventions[id], fx = state.context ? iv.byContext[state.context] : iv;
    const inPathway = new Set(Object.keys(meta.nodes).filter((n) =>
      iv.pathways.includes(n) || meta.nodes[n].pathways.some((p) => iv.pathways.includes(p))));
    const targets = new Set(iv.targets.map((t) => t.id));
    const updates = [];
    for (const n of nodes.get()) {
      const effect = fx.effects[n.id];
      const lit = inPathway.has(n.id) || targets.has(n.id) || n.id === id || effect;
      updates.push({
        id: n.id, level: n.level, opacity: lit ? 1 : 0.25,
        borderWidth: effect ? 4 : inPathway.has(n.id) ? 2 : 1,
        color: effect ? { background: original.get(n.id).color, border: EFFECT[effect] } : original.get(n.id).color,
      });
    }
    nodes.update(updates);
    state.highlighted = { nodes: [...new Set([id, ...inPathway, ...targets])], pathways: [...iv.pathways] };
    const shown = state.highlighted.nodes.filter((n) => nodeView.get(n) !== null);
    const dl = el("dl", {});
    const add = (term, ...dd) => dl.append(el("dt", {}, term), el("dd", {}, ...dd));
    add("Acts on", iv.targets.map((t) => `${t.action} ${t.label}`).join("; ") || "—");
    const ul = el("ul", {});
    for (const p of iv.pathways) ul.append(el("li", {}, meta.pathways[p] + (iv.inferred.includes(p) ? " (inferred by HermiT)" : "")));
    add("Targets pathways", ul);
    if (iv.classes.length) add("Classified as", iv.classes.join("; "));
    const s = fx.summary;
    const eff = el("span", {});
    for (const [k, name] of [["A", "analgesia A"], ["H", "hyperalgesic component H"], ["P", "net pain P"]]) {
      eff.append(el("span", { class: s[k] }, `${name}: ${s[k]}`), el("br", {}));
    }
    add(state.context ? `Predicted effect of giving it in ${meta.contexts.labels[state.context]}` : "Predicted effect of giving it", eff);
    add("Node borders", el("span", {}, el("span", { class: "up" }, "up "), el("span", { class: "down" }, "down "),
      el("span", { class: "ambiguous" }, "ambiguous")));
    show(el("h3", {}, iv.label), dl);
    if (shown.length) fitBeside(shown);
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

  // -- layout: the causal flow (levels from the graph, kg/viz.py) or force-directed
  const layoutSelect = document.getElementById("layout");
  function setLayout(kind) {
    layoutSelect.value = kind;
    // vis changes the options objects it is given, so each call gets a fresh copy
    const copy = (o) => JSON.parse(JSON.stringify(o));
    network.setOptions(kind === "force" ? copy(D.forceOptions) : copy({ layout: D.options.layout, physics: D.options.physics, edges: D.options.edges }));
    // vis puts back its saved physics when the hierarchical layout goes off: set the force view's own again
    if (kind === "force") network.setOptions(copy({ physics: D.forceOptions.physics, edges: D.forceOptions.edges }));
    setPhysics(true);
    network.stabilize(kind === "force" ? 400 : 300);
    network.once("stabilized", () => { setPhysics(false); network.fit({ animation: false }); });
  }
  layoutSelect.addEventListener("change", () => { setLayout(layoutSelect.value); saveView(); });

  // -- pathways drawn as coloured areas around their members (convex hulls under the network)
  const HULL_COLOURS = ["#fdae6b", "#9ecae1", "#a1d99b", "#bcbddc", "#fc9272", "#fdd0a2"];
  const hullColour = new Map(Object.keys(meta.pathways).sort().map((p, i) => [p, HULL_COLOURS[i % HULL_COLOURS.length]]));
  function convexHull(points) {
    const pts = points.slice().sort((a, b) => a.x - b.x || a.y - b.y);
    const cross = (o, a, b) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
    const half = (list) => {
      const out = [];
      for (const p of list) {
        while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
        out.push(p);
      }
      return out;
    };
    const lower = half(pts), upper = half(pts.slice().reverse());
    return lower.slice(0, -1).concat(upper.slice(0, -1));
  }
  const hullBox = document.getElementById("show-hulls");
  hullBox.addEventListener("change", () => { network.redraw(); saveView(); });
  network.on("beforeDrawing", (ctx) => {
    if (!hullBox.checked) return;
    const pos = network.getPositions();
    for (const pid of hullColour.keys()) {
      if (state.pathway && state.pathway !== pid) continue;
      const members = Object.keys(meta.nodes).filter((n) => (n === pid || (meta.nodes[n].pathways || []).includes(pid))
        && nodeView.get(n) !== null && pos[n]);
      if (members.length < 2) continue;
      const hull = convexHull(members.map((n) => pos[n]));
      ctx.save();
      ctx.globalAlpha = 0.16;
      ctx.fillStyle = ctx.strokeStyle = hullColour.get(pid);
      ctx.lineWidth = 46; ctx.lineJoin = "round";
      ctx.beginPath();
      hull.forEach((p, i) => (i ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
      ctx.closePath(); ctx.fill(); ctx.stroke();
      ctx.restore();
    }
  });

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
  for (const [pid, colour] of hullColour) {
    legend.append(el("div", { class: "legend-row" }, el("span", { class: "swatch", style: `background:${colour};opacity:.6` }),
      `area: ${meta.pathways[pid]}`));
  }
  const sc = meta.signColours;
  legend.append(
    el("div", { class: "legend-row" }, el("span", { class: "line", style: `border-color:${sc["+"]}` }), "+ increases (arrow)"),
    el("div", { class: "legend-row" }, el("span", { class: "line", style: `border-color:${sc["-"]}` }), "− decreases (bar)"),
    el("div", { class: "legend-row" }, el("span", { class: "line", style: `border-color:${sc.none}` }), "unsigned relation"),
    el("div", { class: "legend-row" }, el("span", { class: "line", style: `border-color:${sc["+"]};border-top-style:dashed` }), "inferred by the reasoner"));

  // -- a path or a chosen node is shown whole: the filters that would hide part of it are lifted (and the inferred
  // edges shown when it uses one); answers what is then in view
  function showWhole(ids, inferred) {
    let lifted = false;
    for (const n of ids) {
      const cat = meta.nodes[n] && meta.nodes[n].category;
      if (cat && state.hiddenTypes.has(cat)) {
        showType(cat, true);
        lifted = true;
      }
    }
    if (state.pathway && ids.some((n) => nodeView.get(n) === null)) { state.pathway = ""; pathwaySelect.value = ""; lifted = true; }
    if (inferred && !state.inferred) { state.inferred = true; document.getElementById("show-inferred").checked = true; lifted = true; }
    if (lifted) refresh();
    return { nodes: ids.filter((n) => nodeView.get(n) !== null), edgeShown: (e) => edgeView.get(e) !== null };
  }

  // -- the view lives in the URL's fragment, so a copied link reopens it
  let restoring = false;
  function saveView() {
    if (restoring) return;
    const v = new URLSearchParams();
    const sel = network.getSelectedNodes();
    // a part answers true when it keeps the selection itself (a chosen path)
    if (!parts.map((p) => p.save && p.save(v)).some((x) => x) && sel.length === 1) v.set("node", sel[0]);
    if (state.intervention) v.set("intervention", state.intervention);
    if (state.pathway) v.set("pathway", state.pathway);
    if (state.inferred) v.set("inferred", "1");
    if (state.hiddenTypes.size) v.set("hide", [...state.hiddenTypes].join(","));
    if (layoutSelect.value === "force") v.set("layout", "force");
    if (!hullBox.checked) v.set("hulls", "0");
    history.replaceState(null, "", `${location.pathname}${location.search}${v.toString() ? "#" + v : ""}`);
  }
  function restoreView() {
    const v = new URLSearchParams(location.hash.slice(1));
    restoring = true;
    if (v.get("hide")) {
      for (const cat of v.get("hide").split(",").filter((c) => present.has(c))) showType(cat, false);
    }
    if (v.get("pathway") && meta.pathways[v.get("pathway")]) { state.pathway = v.get("pathway"); pathwaySelect.value = state.pathway; }
    if (v.get("inferred") === "1") { state.inferred = true; document.getElementById("show-inferred").checked = true; }
    if (v.get("hulls") === "0") hullBox.checked = false;
    if (v.get("layout") === "force") setLayout("force");
    hook("restore", v);  // the parts' settings (context, simulator) before anything is drawn or asked for
    refresh();
    if (v.get("intervention") && meta.interventions[v.get("intervention")]) { ivSelect.value = v.get("intervention"); highlight(v.get("intervention")); }
    if (v.get("node") && meta.nodes[v.get("node")]) focus(v.get("node"));
    restoring = false;
    return Promise.all(parts.map((p) => p.restored && p.restored(v)));  // what the parts ask the server (paths, simulation)
  }
  network.on("click", () => { hook("click"); saveView(); });
  ivSelect.addEventListener("change", saveView);
  pathwaySelect.addEventListener("change", saveView);
  document.getElementById("show-inferred").addEventListener("change", saveView);
  typeBox.addEventListener("change", saveView);
  let restored = false;
  network.once("stabilizationIterationsDone", () => { restoreView().then(() => { restored = true; }); });

  // one object for every part, so a part may offer a function to another (the path search's rerunPaths)
  const page = { D, meta, state, network, edges, el, label, citation, find, show, panel, fitBeside, showWhole, highlight,
    saveView, hook, served: location.protocol === "http:" || location.protocol === "https:" };
  parts = (window.oihParts || []).map((make) => make(page));

  refresh();
  window.oihMap = {
    network, nodes, edges,
    visibleNodeCount: () => nodeView.length,
    visibleEdgeCount: visibleEdges,
    isStabilized: () => stabilized && restored,
    physicsOn: () => physicsButton.dataset.on === "1",
    find, focus, highlight,
    highlighted: () => state.highlighted,
    selected: () => network.getSelectedNodes(),
    pngDataUrl,
    setLayout, layout: () => layoutSelect.value,
  };
  hook("ready", window.oihMap);
})();
