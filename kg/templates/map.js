/* oihkg mechanism map: search, filters, evidence panel, intervention highlight, path search, physics, PNG export,
   and the view kept in the URL's fragment. Data come inlined as window.OIH_DATA (kg/viz.py); only path search asks
   the server that served the page (/paths). window.oihMap is the page's small API (used by the tests and handy
   from the console). */
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
      ctx.lineWidth = 46;
      ctx.lineJoin = "round";
      ctx.beginPath();
      hull.forEach((p, i) => (i ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
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

  // -- path search (from the server's /paths; a saved map file has no server to ask)
  const served = location.protocol === "http:" || location.protocol === "https:";
  const pathMessage = document.getElementById("path-message");
  const pathState = { result: null, chosen: -1, query: null, seq: 0 };
  if (!served) {
    document.querySelectorAll("#path-form input, #path-form select, #path-form button").forEach((x) => { x.disabled = true; });
    pathMessage.textContent = "Path search asks the server: open this map from `oihkg serve` at /map.";
  }
  const SIGN_NAME = { "1": "+", "-1": "−" };
  function mapEdgeId(step) {
    for (const [eid, e] of Object.entries(meta.edges)) {
      if (e.subject === step.subject && e.object === step.object && e.predicate === step.relation && e.inferred === step.inferred) return eid;
    }
    return null;
  }
  function choosePath(i) {
    const paths = pathState.result ? pathState.result.paths : [];
    if (!paths[i]) return;
    pathState.chosen = i;
    const p = paths[i];
    const eids = p.edges.map(mapEdgeId).filter((x) => x);
    // a path is shown whole: the filters that would hide part of it are lifted
    let lifted = false;
    for (const n of p.nodes) {
      const cat = meta.nodes[n] && meta.nodes[n].category;
      if (cat && state.hiddenTypes.has(cat)) {
        showType(cat, true);
        lifted = true;
      }
    }
    if (state.pathway && p.nodes.some((n) => nodeView.get(n) === null)) { state.pathway = ""; pathwaySelect.value = ""; lifted = true; }
    if (lifted) refresh();
    if (p.edges.some((e) => e.inferred) && !state.inferred) {
      state.inferred = true;
      document.getElementById("show-inferred").checked = true;
      refresh();
    }
    const nodesOn = p.nodes.filter((n) => nodeView.get(n) !== null);
    network.setSelection({ nodes: nodesOn, edges: eids.filter((e) => edgeView.get(e) !== null) }, { unselectAll: true, highlightEdges: false });
    if (nodesOn.length) fitBeside(nodesOn);
    panel.querySelectorAll("ol.paths li").forEach((li, j) => li.classList.toggle("chosen", j === i));
    saveView();
  }
  function why(d) {
    if (!d) return "";
    if (d.reason === "not_in_graph") return `not in the causal graph: ${(d.names || []).map(label).join(", ")}`;
    if (d.reason === "unreachable") return "it cannot be reached at any length";
    if (d.reason === "too_long") return `none within ${d.max_length} edges; the shortest has ${d.shortest_length}`;
    if (d.reason === "wrong_sign") {
      const o = d.other_sign_shortest;
      return `none of sign ${SIGN_NAME[d.sign]} within ${d.max_length} edges` +
        (o ? `; the shortest ${SIGN_NAME[o.sign]} path has ${o.length} edge(s): ${o.nodes.map(label).join(" → ")}` : "");
    }
    return d.reason;
  }
  function showPaths(res) {
    pathState.result = res;
    pathState.chosen = -1;
    const head = el("h3", {}, `${label(res.source)} → ${label(res.target)}`);
    if (!res.paths.length) {
      const text = `No path: ${why(res.diagnosis)}.`;
      pathMessage.textContent = text;
      show(head, el("p", { class: "no-path" }, text));
      network.unselectAll();
      saveView();
      return;
    }
    pathMessage.textContent = `${res.paths.length} path(s); the first is highlighted.`;
    const ol = el("ol", { class: "paths" });
    res.paths.forEach((p, i) => {
      const li = el("li", {}, el("strong", {}, `${SIGN_NAME[p.sign]} `), p.nodes.map(label).join(" → "));
      for (const e of p.edges) {
        const cites = e.citations.length ? ` [${e.citations.map(citation).join(", ")}]` : " [no citation]";
        const shown = meta.edges[mapEdgeId(e)];
        const relation = shown ? shown.relation : e.relation;
        li.append(el("div", { class: "path-edge" }, `${label(e.subject)} ${relation} ${label(e.object)}${cites}`,
          e.quote ? el("blockquote", {}, e.quote) : ""));
      }
      li.addEventListener("click", () => choosePath(i));
      ol.append(li);
    });
    show(head, ol);
    choosePath(0);
  }
  function findPaths(source, target, sign, maxLength) {
    const s = find(source), t = find(target);
    const unknown = [[source, s], [target, t]].filter(([, id]) => id === null).map(([text]) => `“${text}”`);
    pathState.query = { source, target, sign: sign || "", max: String(maxLength || 6) };
    if (unknown.length) {
      ++pathState.seq;
      const text = `No path: unknown name ${unknown.join(" and ")}.`;
      pathMessage.textContent = text;
      show(el("p", { class: "no-path" }, text));
      return Promise.resolve(null);
    }
    const q = new URLSearchParams({ source: s, target: t, max_length: pathState.query.max });
    if (sign) q.set("sign", sign === "+" ? "1" : "-1");
    pathMessage.textContent = "searching…";
    const seq = ++pathState.seq;  // only the latest search may answer
    return fetch(`/paths?${q}`, { headers: { Accept: "application/json" } })
      .then((r) => r.json().then((body) => {
        if (!r.ok) throw new Error(typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail));
        if (seq === pathState.seq) showPaths(body);
        return body;
      }))
      .catch((err) => { if (seq === pathState.seq) pathMessage.textContent = `Path search failed: ${err.message}`; return null; });
  }
  document.getElementById("path-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    findPaths(document.getElementById("path-source").value, document.getElementById("path-target").value,
      document.getElementById("path-sign").value, document.getElementById("path-max").value);
  });

  // -- the simulator (POST /simulate on the served map): P, A, H and dP/dD against dose, with and without interventions
  const sim = { result: null, without: null, timer: null, seq: 0 };
  const simForm = document.getElementById("sim-form");
  const simBox = document.getElementById("sim-interventions");
  for (const [id, iv] of Object.entries(meta.interventions).sort((a, b) => a[1].label.localeCompare(b[1].label))) {
    simBox.append(el("label", {}, el("input", { type: "checkbox", value: id }), iv.label));
  }
  const profileSelect = document.getElementById("sim-profile");
  for (const [id, n] of Object.entries(meta.nodes)) {
    if (n.type === "oih:Disease") profileSelect.append(el("option", { value: id }, n.label));
  }
  function simSettings() {
    return {
      dose: Number(document.getElementById("sim-dose").value),
      exposure: Number(document.getElementById("sim-exposure").value),
      profile: profileSelect.value || null,
      interventions: [...simBox.querySelectorAll("input:checked")].map((b) => b.value),
    };
  }
  function post(body) {
    return fetch("/simulate", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body) }).then((r) => r.json().then((j) => {
      if (!r.ok) throw new Error(typeof j.detail === "string" ? j.detail : JSON.stringify(j.detail));
      return j;
    }));
  }
  function simulate() {
    const settings = simSettings(), seq = ++sim.seq;
    document.getElementById("sim-dose-value").textContent = settings.dose;
    document.getElementById("sim-exposure-value").textContent = settings.exposure;
    const asked = [post(settings)];
    if (settings.interventions.length) asked.push(post({ ...settings, interventions: [] }));
    return Promise.all(asked).then(([result, without]) => {
      if (seq !== sim.seq) return;  // a newer setting has been asked for
      sim.result = result;
      sim.without = without || null;
      drawSimulation();
      saveView();
    }).catch((err) => { if (seq === sim.seq) document.getElementById("sim-result").textContent = `Simulation failed: ${err.message}`; });
  }
  const CURVES = [["P", "#222", "net pain P"], ["A", "#2166ac", "analgesia A"], ["H", "#b2182b", "hyperalgesic component H"]];
  function drawSimulation() {
    const r = sim.result, canvas = document.getElementById("sim-plot"), ctx = canvas.getContext("2d");
    const W = canvas.width, H = canvas.height, L = 34, R = 44, T = 10, B = 24;
    const dose = r.curves.dose, xmax = dose[dose.length - 1];
    const all = [r, sim.without].filter((x) => x);
    const ymax = Math.max(10, ...all.flatMap((x) => CURVES.flatMap(([k]) => x.curves[k])));
    const slope = all.flatMap((x) => x.curves.dP_dD), smax = Math.max(0.05, ...slope.map(Math.abs));
    const px = (d) => L + (d / xmax) * (W - L - R), py = (v) => T + (1 - v / ymax) * (H - T - B);
    const ps = (v) => T + (0.5 - v / (2 * smax)) * (H - T - B);
    ctx.clearRect(0, 0, W, H);
    ctx.font = "10px sans-serif";
    ctx.strokeStyle = "#ccc"; ctx.beginPath(); ctx.moveTo(L, T); ctx.lineTo(L, H - B); ctx.lineTo(W - R, H - B); ctx.stroke();
    ctx.fillStyle = "#555"; ctx.fillText("dose →", W - R - 36, H - 6); ctx.fillText(`${xmax}`, W - R - 8, H - B + 12);
    ctx.fillText(`${Math.round(ymax)}`, 4, T + 8); ctx.fillText("0", 22, H - B);
    ctx.fillText("dP/dD", W - R + 4, T + 8); ctx.setLineDash([2, 3]); ctx.strokeStyle = "#bbb";
    ctx.beginPath(); ctx.moveTo(L, ps(0)); ctx.lineTo(W - R, ps(0)); ctx.stroke(); ctx.setLineDash([]);
    function line(xs, ys, colour, dashed, map) {
      ctx.strokeStyle = colour; ctx.setLineDash(dashed ? [5, 4] : []); ctx.lineWidth = dashed ? 1 : 1.8; ctx.beginPath();
      xs.forEach((d, i) => { const x = px(d), y = map(ys[i]); if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y); });
      ctx.stroke(); ctx.setLineDash([]); ctx.lineWidth = 1;
    }
    if (sim.without) for (const [k, c] of CURVES) line(dose, sim.without.curves[k], c, true, py);
    for (const [k, c] of CURVES) line(dose, r.curves[k], c, false, py);
    line(dose, r.curves.dP_dD, "#7a0177", false, ps);
    if (r.oih_threshold_dose !== null) {
      ctx.strokeStyle = "#b2182b"; ctx.setLineDash([3, 3]); ctx.beginPath();
      ctx.moveTo(px(r.oih_threshold_dose), T); ctx.lineTo(px(r.oih_threshold_dose), H - B); ctx.stroke(); ctx.setLineDash([]);
    }
    ctx.strokeStyle = "#000"; ctx.beginPath(); ctx.moveTo(px(r.dose), T); ctx.lineTo(px(r.dose), H - B); ctx.stroke();
    CURVES.concat([["dP_dD", "#7a0177", "dP/dD (right scale)"]]).forEach(([, c, name], i) => {
      ctx.fillStyle = c; ctx.fillText(name, L + 6 + i * 130, H - B + 14);
    });
    const out = document.getElementById("sim-result");
    const t = r.test_taper, a = r.at_dose;
    out.replaceChildren(
      el("div", {}, "At dose ", el("strong", {}, String(r.dose)), ": ", el("span", { class: r.classification }, r.classification),
        ` (dP/dD ${a.dP_dD >= 0 ? "+" : ""}${a.dP_dD.toFixed(3)})`),
      el("div", {}, r.oih_threshold_dose === null ? "No OIH threshold in this dose range."
        : `OIH above dose ${r.oih_threshold_dose} (red dashed line).`),
      el("div", {}, `Test taper to ${t.dose}: ${t.outcome}.`),
      el("div", {}, `P ${a.P.toFixed(2)}, A ${a.A.toFixed(2)}, H ${a.H.toFixed(2)}` +
        (sim.without ? "; dashed curves: without the interventions." : "")),
      el("div", { class: "hint" }, r.note));
  }
  function scheduleSimulation() { clearTimeout(sim.timer); sim.timer = setTimeout(simulate, 120); }
  document.getElementById("simulator-box").addEventListener("toggle", () => { network.redraw(); saveView(); });
  simForm.addEventListener("input", scheduleSimulation);
  simForm.addEventListener("change", scheduleSimulation);
  if (!served) {
    simForm.querySelectorAll("input, select").forEach((x) => { x.disabled = true; });
    document.getElementById("sim-result").textContent = "The simulator asks the server: open this map from `oihkg serve` at /map.";
  }

  // -- the view lives in the URL's fragment, so a copied link reopens it
  let restoring = false;
  function saveView() {
    if (restoring) return;
    const v = new URLSearchParams();
    const sel = network.getSelectedNodes();
    if (pathState.query) {
      v.set("path", [pathState.query.source, pathState.query.target, pathState.query.sign, pathState.query.max].join("|"));
      if (pathState.chosen > 0) v.set("chosen", String(pathState.chosen));
    } else if (sel.length === 1) v.set("node", sel[0]);
    if (state.intervention) v.set("intervention", state.intervention);
    if (state.pathway) v.set("pathway", state.pathway);
    if (state.inferred) v.set("inferred", "1");
    if (state.hiddenTypes.size) v.set("hide", [...state.hiddenTypes].join(","));
    if (layoutSelect.value === "force") v.set("layout", "force");
    if (!hullBox.checked) v.set("hulls", "0");
    if (sim.result && document.getElementById("simulator-box").open) {
      const st = simSettings();
      v.set("sim", [st.dose, st.exposure, st.profile || "", st.interventions.join(",")].join("|"));
    }
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
    refresh();
    if (v.get("intervention") && meta.interventions[v.get("intervention")]) { ivSelect.value = v.get("intervention"); highlight(v.get("intervention")); }
    if (v.get("node") && meta.nodes[v.get("node")]) focus(v.get("node"));
    if (v.get("sim")) {
      document.getElementById("simulator-box").open = true;
      const [dose, exposure, profile, ivs] = v.get("sim").split("|");
      for (const [id, value] of [["sim-dose", dose], ["sim-exposure", exposure]]) {
        const input = document.getElementById(id), x = Number(value);
        if (value !== "" && Number.isFinite(x) && x >= Number(input.min) && x <= Number(input.max)) input.value = value;
      }
      if (profile && [...profileSelect.options].some((o) => o.value === profile)) profileSelect.value = profile;
      const chosen = new Set((ivs || "").split(",").filter((x) => x));
      simBox.querySelectorAll("input").forEach((b) => { b.checked = chosen.has(b.value); });
    }
    restoring = false;
    const simulated = served ? simulate() : Promise.resolve();
    const path = v.get("path");
    if (path && served) {
      const [source, target, sign, max] = path.split("|");
      document.getElementById("path-source").value = source;
      document.getElementById("path-target").value = target;
      document.getElementById("path-sign").value = sign || "";
      document.getElementById("path-max").value = max || "6";
      const chosen = Number(v.get("chosen") || 0);
      return Promise.all([simulated, findPaths(source, target, sign, max).then(() => { if (chosen) choosePath(chosen); })]);
    }
    return simulated;
  }
  network.on("click", () => { pathState.query = null; saveView(); });
  ivSelect.addEventListener("change", saveView);
  pathwaySelect.addEventListener("change", saveView);
  document.getElementById("show-inferred").addEventListener("change", saveView);
  typeBox.addEventListener("change", saveView);
  let restored = false;
  network.once("stabilizationIterationsDone", () => { restoreView().then(() => { restored = true; }); });

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
    findPaths, choosePath,
    chosenPath: () => (pathState.result && pathState.chosen >= 0 ? pathState.result.paths[pathState.chosen] : null),
    simulate, simulation: () => sim.result, simulationWithout: () => sim.without,
    setLayout, layout: () => layoutSelect.value,
  };
})();
