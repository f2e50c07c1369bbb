/* oihkg mechanism map: search, filters, evidence panel, intervention highlight, the two layouts (positions computed once
   in kg/outputs/layout.py: no layout and no physics run here, so nothing moves), module areas, and the view kept in
   the URL's fragment (map-legend.js: the legend on the canvas; map-figure.js: SVG and PNG export; map-table.js: the
   table view; map-modules.js: modules that collapse in place). Data come inlined as window.OIH_DATA (kg/outputs/map.py). window.oihMap is the page's small
   API (used by the tests and handy from the console). Parts in their own scripts (map-context.js: the context switch;
   map-paths.js: path search, from the server's /paths; map-simulator.js: the simulator, from /simulate) register in
   window.oihParts before this script runs; each gets the page's API and may answer the hooks called below (rows of
   the panels, save and restore of the view, click, ready). */
(function () {
  "use strict";
  const D = window.OIH_DATA;
  const meta = D.meta;
  const EFFECT = { up: "#b2182b", down: "#2166ac", ambiguous: "#762a83" };
  // pathEdges: the inferred edges of the chosen path, shown (marked) without turning on every inferred edge
  const state = { hiddenTypes: new Set(), pathway: "", inferred: false, intervention: "", context: "",
    highlighted: { nodes: [], pathways: [] }, pathEdges: new Set(), collapsed: new Set(), folded: new Set() };
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
    if (state.hiddenTypes.has(n.category) || state.folded.has(n.id)) return false;  // folded: inside a collapsed module
    if (!state.pathway) return true;
    return n.id === state.pathway || (meta.nodes[n.id].pathways || []).includes(state.pathway);
  }
  function edgeVisible(e) {
    if (e.inferred && !state.inferred && !state.pathEdges.has(e.id)) return false;
    if (e.summary && !state.collapsed.has(e.module)) return false;  // a collapsed module's links (map-modules.js)
    return nodeView.get(e.from) !== null && nodeView.get(e.to) !== null;
  }
  // positions come with the data (kg/outputs/layout.py) and vis runs no layout or physics: a filter only hides or shows
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
  function label(id) { return (meta.nodes[id] || { label: id }).label; }
  // the evidence panels live in map-panels.js, which puts them on the page object
  function citation(c) { return page.citation(c); }

  // -- panel
  // the panel opens over the map's right edge when there is something to show, so the map has the width at its fit
  const panel = document.getElementById("panel");
  function closePanel() { panel.replaceChildren(); panel.classList.remove("open"); }
  // fit these nodes into the part of the map the open panel leaves uncovered
  // (never so far out that labels read under MIN_PX on screen), above the legend strip
  function fitBeside(ids) {
    network.fit({ nodes: ids, animation: false });
    const covered = panel.classList.contains("open") ? panel.offsetWidth : 0, width = container.clientWidth;
    const under = legendHeight(), height = container.clientHeight;
    let scale = network.getScale() * Math.min(covered < width ? (width - covered) / width : 1, (height - under) / height);
    scale = Math.max(scale, minScale());
    const at = network.getViewPosition();
    network.moveTo({ position: { x: at.x + covered / 2 / scale, y: at.y + under / 2 / scale }, scale, animation: false });
  }
  // -- the view: labels never under MIN_PX on screen; the first view starts at the top left (where the flow starts)
  const MIN_PX = 12.5;
  function minScale() { return MIN_PX / D.options.nodes.font.size; }
  function legendHeight() { const l = document.getElementById("legend"); return l ? l.offsetHeight : 0; }
  function bounds() {
    const pos = Object.values(network.getPositions());
    const xs = pos.map((p) => p.x), ys = pos.map((p) => p.y);
    return { left: Math.min(...xs) - 110, right: Math.max(...xs) + 110, top: Math.min(...ys) - 70, bottom: Math.max(...ys) + 70 };
  }
  function fitView(all) {
    const b = bounds(), w = container.clientWidth, h = container.clientHeight - legendHeight();
    const fit = Math.min(w / (b.right - b.left), h / (b.bottom - b.top));
    const scale = all ? fit : Math.max(fit, minScale());
    // zoomed in to read, the flow shows where it starts (top left), the force view its middle
    const whole = scale === fit || document.getElementById("layout").value === "force";
    const x = whole ? (b.left + b.right) / 2 : b.left + w / 2 / scale;
    const y = whole ? (b.top + b.bottom) / 2 : b.top + h / 2 / scale;
    network.moveTo({ position: { x, y: y + legendHeight() / 2 / scale }, scale, animation: false });
  }
  function show(...children) {
    const close = el("button", { type: "button", class: "close", "aria-label": "close panel", title: "close" }, "×");
    close.addEventListener("click", closePanel);
    panel.replaceChildren(close, ...children);
    panel.classList.add("open");
  }
  function nodePanel(id) { page.nodePanel(id); }
  function edgePanel(eid) { page.edgePanel(eid); }
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
    if (id === null && page.findCitation(text)) return;  // "ref. N" or "problem_id:N": the statements citing it (map-panels.js)
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
  // fades the edges a caller does not keep (never a membership edge) to `opacity`: each one's colour before is kept and
  // put back, unless another part has restyled the edge since, as the context switch does; an edge already as faint
  // stays as it is. The intervention highlight and the path search (map-paths.js) each have one.
  // an edge's tag (the context it holds in) fades with its line: its colour with an alpha, its white halo off
  const alpha = (opacity) => Math.round(opacity * 255).toString(16).padStart(2, "0");
  function edgeFader(opacity) {
    const before = new Map();
    return {
      fade(keep) {
        const eu = [];
        for (const e of edges.get()) {
          if (e.membership || keep(e)) continue;
          const c = typeof e.color === "object" && e.color ? e.color : { color: e.color };
          if (c.opacity !== undefined && c.opacity <= opacity) continue;
          before.set(e.id, { color: e.color, font: e.font });
          const update = { id: e.id, color: { ...c, opacity } };
          if (e.font && /^#[0-9a-f]{6}$/i.test(e.font.color || "")) {
            update.font = { ...e.font, color: e.font.color + alpha(opacity), strokeWidth: 0 };
          }
          eu.push(update);
        }
        edges.update(eu);
      },
      restore() {
        edges.update([...before].filter(([eid]) => edges.get(eid) && (edges.get(eid).color || {}).opacity === opacity)
          .map(([eid, was]) => (was.font ? { id: eid, color: was.color, font: was.font } : { id: eid, color: was.color })));
        before.clear();
      },
    };
  }
  const ivFade = edgeFader(0.2);  // the edges off an intervention's pathways
  function highlight(id) {
    state.intervention = id;
    nodes.update([...original].map(([nid, o]) => ({ id: nid, ...o, color: o.color, opacity: 1 })));
    ivFade.restore();
    state.highlighted = { nodes: [], pathways: [] };
    if (!id) { show(el("p", { class: "hint" }, "No intervention selected.")); return; }
    const iv = meta.interventions[id], fx = state.context ? iv.byContext[state.context] : iv;
    const inPathway = new Set(Object.keys(meta.nodes).filter((n) =>
      iv.pathways.includes(n) || meta.nodes[n].pathways.some((p) => iv.pathways.includes(p))));
    const targets = new Set(iv.targets.map((t) => t.id));
    const updates = [], litNodes = new Set();
    for (const n of nodes.get()) {
      const effect = fx.effects[n.id];
      const lit = inPathway.has(n.id) || targets.has(n.id) || n.id === id || effect;
      if (lit) litNodes.add(n.id);
      updates.push({
        id: n.id, level: n.level, opacity: lit ? 1 : 0.25,
        borderWidth: effect ? 4 : inPathway.has(n.id) ? 2 : 1,
        color: effect ? { background: original.get(n.id).color, border: EFFECT[effect] } : original.get(n.id).color,
      });
    }
    nodes.update(updates);
    // the drug class it inherits its statements from acts for it: the class's own edges stay whole too
    for (const e of Object.values(meta.edges)) if (e.subject === id && e.via) litNodes.add(e.via);
    ivFade.fade((e) => litNodes.has(e.from) && litNodes.has(e.to));
    state.highlighted = { nodes: [...new Set([id, ...inPathway, ...targets])], pathways: [...iv.pathways] };
    const shown = state.highlighted.nodes.filter((n) => nodeView.get(n) !== null);
    const dl = el("dl", {});
    const add = (term, ...dd) => dl.append(el("dt", {}, term), el("dd", {}, ...dd));
    add("Acts on", iv.targets.map((t) => `${t.action} ${t.label}`).join("; ") || "—");
    const ul = el("ul", {});
    for (const p of iv.pathways) {
      const d = (iv.directions || {})[p] || "drives";  // drives and inhibits read apart (map-panels.js styles them)
      ul.append(el("li", {}, el("span", { class: d }, d === "inhibits" ? "▼ inhibits " : "▲ drives "), meta.pathways[p] +
        (iv.inferred.includes(p) ? " (inferred by HermiT)" : "")));
    }
    for (const c of iv.inContext || []) {  // what the reasoner derives only in a context (kg/present/display.py)
      ul.append(el("li", {}, el("span", { class: c.direction }, c.direction === "inhibits" ? "▼ inhibits " : "▲ drives "),
        `${meta.pathways[c.pathway]} (inferred by HermiT, only in ${c.contexts.map((x) => x.label).join(", ")})`));
    }
    add("Acts on pathways", ul);
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

  document.getElementById("fit").addEventListener("click", () => fitView(true));
  document.getElementById("readable").addEventListener("click", () => fitView(false));

  // -- layout: the causal flow or force-directed, both computed once in Python (kg/outputs/layout.py); a switch moves each
  // node to its place in the chosen one, and back: nothing is laid out in the page
  const layoutSelect = document.getElementById("layout");
  function setLayout(kind) {
    kind = D.layouts[kind] ? kind : "flow";
    layoutSelect.value = kind;
    const at = D.layouts[kind];
    network.setOptions({ edges: JSON.parse(JSON.stringify(kind === "force" ? D.forceOptions.edges : D.options.edges)) });
    // the flow's detours around labels (kg/outputs/layout.py) are its own: the force layout draws those edges as any other
    const routes = D.routes || {};
    edges.update(Object.keys(routes).map((id) => ({ id, smooth: kind === "force" ? D.forceOptions.edges.smooth : routes[id] })));
    nodes.update(Object.entries(at).map(([id, p]) => ({ id, x: p[0], y: p[1] })));
    fitView(false);
  }
  layoutSelect.addEventListener("change", () => { setLayout(layoutSelect.value); saveView(); });

  // -- the modules as labelled areas (rectangles computed with the flow layout, kg/outputs/layout.py), under the network
  const AREA_COLOURS = ["#fdae6b", "#9ecae1", "#a1d99b", "#bcbddc", "#fc9272", "#fdd0a2"];
  const areaColour = new Map((D.areas || []).map((a, i) => [a.id, AREA_COLOURS[i % AREA_COLOURS.length]]));
  const hullBox = document.getElementById("show-hulls");
  hullBox.addEventListener("change", () => { network.redraw(); saveView(); });
  function areasShown() {
    if (!hullBox.checked || layoutSelect.value !== "flow") return [];
    return (D.areas || []).filter((a) => !state.pathway || state.pathway === a.id);
  }
  network.on("beforeDrawing", (ctx) => {
    for (const a of areasShown()) {
      ctx.save();
      ctx.fillStyle = ctx.strokeStyle = areaColour.get(a.id);
      ctx.globalAlpha = 0.18;
      ctx.beginPath(); ctx.roundRect(a.x, a.y, a.w, a.h, 14); ctx.fill();
      ctx.globalAlpha = 0.9; ctx.lineWidth = 2; ctx.stroke();
      // the area's name reads at 13 px on screen or more at any zoom, as long as it fits the area's width
      let px = Math.max(20, 13 / network.getScale());
      ctx.font = `bold ${px}px sans-serif`;
      const text = a.label + (state.collapsed.has(a.id) ? " — collapsed (click to expand)" : "");
      const wide = ctx.measureText(text).width;
      if (wide > a.w - 24) { px *= (a.w - 24) / wide; ctx.font = `bold ${px}px sans-serif`; }
      ctx.globalAlpha = 1; ctx.fillStyle = "#333"; ctx.textBaseline = "top";
      ctx.fillText(text, a.x + 12, a.y + 8);
      ctx.restore();
    }
  });

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
    if (ids.some((n) => state.folded.has(n))) { hook("unfold", ids); lifted = true; }
    // the path's own inferred steps are shown (dashed, and selected with the path), not every inferred edge of the map
    const steps = new Set();
    if (inferred) {
      for (let i = 0; i + 1 < ids.length; i++) {
        for (const e of Object.values(meta.edges)) if (e.inferred && e.subject === ids[i] && e.object === ids[i + 1]) steps.add(e.id);
      }
    }
    if ([...steps].some((e) => !state.pathEdges.has(e)) || [...state.pathEdges].some((e) => !steps.has(e))) {
      state.pathEdges = steps;
      lifted = true;
    }
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
    try {
      history.replaceState(null, "", `${location.pathname}${location.search}${v.toString() ? "#" + v : ""}`);
    } catch (e) {
      // a page with no address of its own (a notebook's sandboxed frame, about:srcdoc) keeps no share link
    }
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

  // one object for every part, so a part may offer a function to another (the path search's rerunPaths)
  const page = { D, meta, state, network, nodes, edges, el, label, citation, find, show, panel, fitBeside, showWhole, highlight,
    edgeFader, saveView, hook, focus, areasShown, areaColour, container, refresh, served: location.protocol === "http:" || location.protocol === "https:" };
  parts = (window.oihParts || []).map((make) => make(page));

  refresh();
  fitView(false);
  stabilized = true;  // nothing to settle: the positions came with the data
  restoreView().then(() => { restored = true; });
  window.oihMap = {
    network, nodes, edges,
    visibleNodeCount: () => nodeView.length,
    visibleEdgeCount: visibleEdges,
    isStabilized: () => stabilized && restored,
    physicsOn: () => false,  // vis runs no physics: the layout is computed once, in Python
    fitView, minScale, areasShown, positions: () => network.getPositions(),
    find, focus, highlight,
    highlighted: () => state.highlighted,
    selected: () => network.getSelectedNodes(),
    setLayout, layout: () => layoutSelect.value,
  };
  hook("ready", window.oihMap);
})();
