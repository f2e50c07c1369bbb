/* oihkg mechanism map, path search (from the server's /paths; a saved map file has no server to ask): signed paths
   from a source to a target, one line per path, grouped by the mechanism (pathways) each runs through, + paths first
   and − paths apart; a group's combinatorial variants are counted and folded, each path's evidence opens on demand;
   the chosen path lights and the rest of the map dims. The search lives in the view's link. Registers in
   window.oihParts; map.js calls it with the page's API and the hooks below. */
(function () {
  "use strict";
  (window.oihParts = window.oihParts || []).push((page) => {
    const { meta, state, network, el, label, find, show, panel, fitBeside, showWhole, saveView, hook, served } = page;
    const pathMessage = document.getElementById("path-message");
    const pathState = { result: null, chosen: -1, query: null, seq: 0 };
    if (!served) {
      document.querySelectorAll("#path-form input, #path-form select, #path-form button").forEach((x) => { x.disabled = true; });
      pathMessage.textContent = "Path search asks the server: open this map from `oihkg serve` at /map.";
    }
    const SIGN_NAME = { "1": "+", "-1": "−" };
    // the map's own sign colours (kg/outputs/map.py), so a path's sign reads as its edges do
    const signColour = (sign) => (meta.signColours || {})[sign === 1 ? "+" : "-"] || "inherit";
    const relationLabel = new Map(Object.values(meta.edges).map((e) => [e.predicate, e.relation]));
    function mapEdgeId(step) {
      for (const [eid, e] of Object.entries(meta.edges)) {
        if (e.subject === step.subject && e.object === step.object && e.predicate === step.relation && e.inferred === step.inferred) return eid;
      }
      return null;
    }

    // -- dimming: everything off the chosen path fades (vis DataSet updates; the values before are kept and put back,
    // unless another part has restyled the element since, as the context switch does: its style then stands)
    const DIM_NODE = 0.18, dimmedNodes = new Map(), pathFade = page.edgeFader(0.1);
    function undim() {
      // an update names the node's level, so vis keeps the hierarchical layout (see map.js)
      page.nodes.update([...dimmedNodes].filter(([id]) => page.nodes.get(id).opacity === DIM_NODE)
        .map(([id, opacity]) => ({ id, opacity, level: page.nodes.get(id).level })));
      dimmedNodes.clear();
      pathFade.restore();
    }
    function dimExcept(nodeIds, edgeIds) {
      undim();
      const keepN = new Set(nodeIds), keepE = new Set(edgeIds);
      const nu = [];
      for (const n of page.nodes.get()) {
        if (keepN.has(n.id)) continue;
        dimmedNodes.set(n.id, n.opacity === undefined ? 1 : n.opacity);
        nu.push({ id: n.id, opacity: DIM_NODE, level: n.level });
      }
      page.nodes.update(nu);
      pathFade.fade((e) => keepE.has(e.id));
    }

    // -- the mechanism a path runs through: the pathways of its inner steps; a step in several pathways counts for
    // those the path stays in (shared with another step), or for its only one
    function mechanism(p) {
      const inner = p.nodes.slice(1, -1).map((n) => (meta.nodes[n] || { pathways: [] }).pathways);
      const count = new Map();
      inner.flat().forEach((pw) => count.set(pw, (count.get(pw) || 0) + 1));
      const seq = [];
      for (const pws of inner) {
        for (const pw of pws) if ((pws.length === 1 || count.get(pw) > 1) && !seq.includes(pw)) seq.push(pw);
      }
      return seq;
    }
    function groupPaths(paths, indices) {
      const groups = new Map();
      (indices || paths.map((_, i) => i)).forEach((i) => {
        const p = paths[i], m = mechanism(p), key = `${p.sign}|${m.join(">")}`;
        if (!groups.has(key)) groups.set(key, { sign: p.sign, pathways: m, members: [] });
        groups.get(key).members.push(i);
      });
      return [...groups.values()];
    }
    const mechanismName = (g) => (g.pathways.length ? g.pathways.map((pw) => meta.pathways[pw] || label(pw)).join(" → ")
      : "no named pathway (direct steps)");
    // what a group's variants differ in: the steps not on every one of its paths
    function varying(g, paths) {
      const sets = g.members.map((i) => new Set(paths[i].nodes));
      const all = new Set(sets.flatMap((s) => [...s]));
      return [...all].filter((n) => !sets.every((s) => s.has(n))).map(label);
    }

    function evidenceOf(p) {
      const box = el("details", { class: "path-evidence" }, el("summary", {}, `evidence (${p.edges.length} steps)`));
      for (const e of p.edges) {
        const shown = meta.edges[mapEdgeId(e)];
        const relation = shown ? shown.relation : relationLabel.get(e.relation) || e.relation;
        const row = el("div", { class: "path-edge" }, `${label(e.subject)} ${relation} ${label(e.object)} `,
          e.citations.length ? page.citations(e.citations) : el("span", { class: "hint" }, "[no citation]"));
        if (e.via) row.append(" ", page.inherited(e));
        if (e.quote) row.append(el("blockquote", {}, page.quoteText(e.quote)));
        if (e.evidence_type) row.append(el("div", { class: "hint" }, page.evidence(e.evidence_type)));
        box.append(row);
      }
      box.append(page.citationKey(p.edges.flatMap((e) => e.citations)));
      box.addEventListener("click", (ev) => ev.stopPropagation());
      return box;
    }
    function pathLine(p, i, tag) {
      const marks = [];
      const classes = [...new Set(p.edges.filter((e) => e.via).map((e) => label(e.via)))];  // steps inherited from a drug class
      if (classes.length) marks.push(el("span", { class: "inherited" }, `via drug class: ${classes.join(", ")}`));
      const line = el(tag, { class: "path-line", "data-index": String(i), tabindex: "0", role: "button" },
        el("strong", { class: `sign s${p.sign}`, style: `color:${signColour(p.sign)}` }, `${SIGN_NAME[p.sign]} `), p.nodes.map(label).join(" → "), " ",
        el("span", { class: "path-len" }, `(${p.length} steps)`), " ", ...marks, evidenceOf(p));
      hook("pathRows", p, line);
      line.addEventListener("click", () => choosePath(i));
      line.addEventListener("keydown", (ev) => { if (ev.key === "Enter" && ev.target === line) choosePath(i); });
      return line;
    }
    function groupList(groups, paths, title) {
      const box = el("section", { class: "path-groups" }, el("h4", {}, title));
      const ol = el("ol", { class: "paths" });
      for (const g of groups) {
        const [first, ...rest] = g.members;
        const li = el("li", { class: "mech-group" }, el("div", { class: "mech-name" }, mechanismName(g),
          el("span", { class: "mech-count" }, ` ${g.members.length} path${g.members.length > 1 ? "s" : ""}`)), pathLine(paths[first], first, "div"));
        if (rest.length) {
          const diff = varying(g, paths);
          const more = el("details", { class: "variants" }, el("summary", {},
            `${rest.length} more variant${rest.length > 1 ? "s" : ""}${diff.length ? ` (differ in: ${diff.join(", ")})` : ""}`));
          rest.forEach((i) => more.append(pathLine(paths[i], i, "div")));
          li.append(more);
        }
        ol.append(li);
      }
      box.append(ol);
      return box;
    }

    // -- lanes: with every context shown, the answer splits by the exposure a path needs: one lane per exposure (a
    // context no other implies: acute administration, chronic exposure), a path of OIH or tolerance going to the
    // exposure it arises under; then the paths that hold in every context. One context chosen: that context's lane.
    function lanesOf(paths) {
      const C = meta.contexts || { choices: [], closure: {}, labels: {} };
      const cname = (c) => C.labels[c] || label(c);
      if (state.context) return [{ id: state.context, title: cname(state.context), members: paths.map((_, i) => i) }];
      const roots = C.choices.filter((c) => C.closure[c].length === 1 && C.closure[c][0] === c);
      const lanes = [...roots.map((c) => ({ id: c, title: cname(c), members: [] })), { id: "", title: "every context", members: [] }];
      paths.forEach((p, i) => {
        const held = new Set(p.contexts.flatMap((c) => C.closure[c] || [c]));
        (lanes.find((l) => l.id && held.has(l.id)) || lanes[lanes.length - 1]).members.push(i);
      });
      return lanes;
    }
    function laneBox(lane, paths) {
      const n = lane.members.length, groups = groupPaths(paths, lane.members);
      const plus = groups.filter((g) => g.sign === 1), minus = groups.filter((g) => g.sign !== 1);
      const count = (gs) => gs.reduce((k, g) => k + g.members.length, 0);
      const what = lane.id ? (state.context ? `holds in ${lane.title}` : `holds only under ${lane.title}`) : "holds in every context";
      const box = el("section", { class: "path-lane", "data-lane": lane.id },
        el("h4", { class: "lane-head" }, `${lane.title}: `, el("span", { class: "lane-count" }, String(n)), ` path${n === 1 ? "" : "s"}`,
          el("span", { class: "hint" }, ` (${what})`)));
      if (!n) box.append(el("p", { class: "hint lane-none" }, "none"));
      if (plus.length) box.append(groupList(plus, paths, `+ leads to: ${count(plus)} path(s) through ${plus.length} mechanism(s)`));
      if (minus.length) box.append(groupList(minus, paths, `− lowers: ${count(minus)} path(s) through ${minus.length} mechanism(s)`));
      return { box, first: plus.length ? plus[0].members[0] : minus.length ? minus[0].members[0] : -1, plus: plus.length > 0 };
    }

    function inView(ids) {
      const box = document.getElementById("network"), covered = panel.classList.contains("open") ? panel.offsetWidth : 0;
      const pos = network.getPositions(ids);
      return ids.every((n) => {
        const d = network.canvasToDOM(pos[n]);
        return d.x >= 0 && d.y >= 0 && d.x <= box.clientWidth - covered && d.y <= box.clientHeight;
      });
    }
    function choosePath(i) {
      const paths = pathState.result ? pathState.result.paths : [];
      if (!paths[i]) return;
      pathState.chosen = i;
      const p = paths[i];
      const eids = p.edges.map(mapEdgeId).filter((x) => x);
      const on = showWhole(p.nodes, p.edges.some((e) => e.inferred));  // a path is shown whole
      network.setSelection({ nodes: on.nodes, edges: eids.filter(on.edgeShown) }, { unselectAll: true, highlightEdges: false });
      dimExcept(p.nodes, eids);
      // a long path may not fit at a readable scale: then its inner steps, else the steps in its mechanism's
      // pathways, else its first inner step are what is kept in view
      const mech = new Set(mechanism(p)), inner = on.nodes.slice(1, -1);
      const views = [on.nodes, inner, inner.filter((n) => (meta.nodes[n].pathways || []).some((pw) => mech.has(pw))), inner.slice(0, 1)]
        .filter((v) => v.length);
      for (const v of views) {
        fitBeside(v);
        if (inView(v)) break;
      }
      panel.querySelectorAll(".path-line").forEach((x) => x.classList.toggle("chosen", x.dataset.index === String(i)));
      const line = panel.querySelector(`.path-line[data-index="${i}"]`);
      if (line && line.closest("details.variants")) line.closest("details.variants").open = true;
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
      undim();
      panel.classList.remove("wide", "answers");
      const where = state.context ? ` in ${meta.contexts.labels[state.context]}` : "";
      const head = el("h3", {}, `${label(res.source)} → ${label(res.target)}${where}`);
      if (!res.paths.length) {
        const text = `No path${where}: ${why(res.diagnosis)}.`;
        pathMessage.textContent = text;
        show(head, el("p", { class: "no-path" }, text));
        network.unselectAll();
        saveView();
        return;
      }
      const groups = groupPaths(res.paths), lanes = lanesOf(res.paths).map((l) => laneBox(l, res.paths));
      pathMessage.textContent = `${res.paths.length} path(s) in ${groups.length} mechanism group(s)` +
        (state.context ? "" : `, in ${lanes.length} lanes by context`) + "; the first is highlighted.";
      show(head, el("p", { class: "hint" },
        "One line per path, in lanes by the context it holds in, grouped by the pathways it runs through; click a line to light it, “evidence” for its quotes."),
      ...lanes.map((l) => l.box));
      panel.classList.remove("wide");
      panel.classList.add("answers");  // wider than a card, narrow enough to leave the path in view
      const lit = lanes.find((l) => l.plus) || lanes.find((l) => l.first >= 0);  // the first + path, else the first
      choosePath(lit.first);
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
      if (state.context) q.set("context", state.context);
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

    page.rerunPaths = () => {  // the same search again, e.g. in another context
      const q = pathState.query;
      return q && served ? findPaths(q.source, q.target, q.sign, q.max) : Promise.resolve(null);
    };
    return {
      save(v) {
        if (!pathState.query) return false;
        v.set("path", [pathState.query.source, pathState.query.target, pathState.query.sign, pathState.query.max].join("|"));
        if (pathState.chosen > 0) v.set("chosen", String(pathState.chosen));
        return true;
      },
      restored(v) {
        const path = v.get("path");
        if (!path || !served) return undefined;
        const [source, target, sign, max] = path.split("|");
        document.getElementById("path-source").value = source;
        document.getElementById("path-target").value = target;
        document.getElementById("path-sign").value = sign || "";
        document.getElementById("path-max").value = max || "6";
        const chosen = Number(v.get("chosen") || 0);
        return findPaths(source, target, sign, max).then(() => { if (chosen) choosePath(chosen); });
      },
      click() { pathState.query = null; undim(); },
      ready(api) {
        Object.assign(api, { findPaths, choosePath, dimExcept, undim, groupPaths: () => (pathState.result ? groupPaths(pathState.result.paths) : []),
          pathLanes: () => (pathState.result ? lanesOf(pathState.result.paths) : []),
          chosenPath: () => (pathState.result && pathState.chosen >= 0 ? pathState.result.paths[pathState.chosen] : null) });
      },
    };
  });
})();
