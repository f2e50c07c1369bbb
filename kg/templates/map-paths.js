/* oihkg mechanism map, path search (from the server's /paths; a saved map file has no server to ask): signed paths
   from a source to a target, each edge with its citations and quote, the chosen one highlighted, in the context the
   switch names; the search lives in the view's link. Registers in window.oihParts; map.js calls it with the page's
   API and the hooks below. */
(function () {
  "use strict";
  (window.oihParts = window.oihParts || []).push((page) => {
    const { meta, state, network, el, label, citation, find, show, panel, fitBeside, showWhole, saveView, hook, served } = page;
    const pathMessage = document.getElementById("path-message");
    const pathState = { result: null, chosen: -1, query: null, seq: 0 };
    if (!served) {
      document.querySelectorAll("#path-form input, #path-form select, #path-form button").forEach((x) => { x.disabled = true; });
      pathMessage.textContent = "Path search asks the server: open this map from `oihkg serve` at /map.";
    }
    const SIGN_NAME = { "1": "+", "-1": "−" };
    const relationLabel = new Map(Object.values(meta.edges).map((e) => [e.predicate, e.relation]));
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
      const on = showWhole(p.nodes, p.edges.some((e) => e.inferred));  // a path is shown whole
      network.setSelection({ nodes: on.nodes, edges: eids.filter(on.edgeShown) }, { unselectAll: true, highlightEdges: false });
      if (on.nodes.length) fitBeside(on.nodes);
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
      pathMessage.textContent = `${res.paths.length} path(s); the first is highlighted.`;
      const ol = el("ol", { class: "paths" });
      res.paths.forEach((p, i) => {
        const li = el("li", {}, el("strong", {}, `${SIGN_NAME[p.sign]} `), p.nodes.map(label).join(" → "));
        for (const e of p.edges) {
          const cites = e.citations.length ? ` [${e.citations.map(citation).join(", ")}]` : " [no citation]";
          const shown = meta.edges[mapEdgeId(e)];
          const relation = shown ? shown.relation : relationLabel.get(e.relation) || e.relation;
          li.append(el("div", { class: "path-edge" }, `${label(e.subject)} ${relation} ${label(e.object)}${cites}`,
            e.quote ? el("blockquote", {}, e.quote) : ""));
        }
        hook("pathRows", p, li);
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
      click() { pathState.query = null; },
      ready(api) {
        Object.assign(api, { findPaths, choosePath,
          chosenPath: () => (pathState.result && pathState.chosen >= 0 ? pathState.result.paths[pathState.chosen] : null) });
      },
    };
  });
})();
