/* oihkg mechanism map, the context switch: every context (the default), or one context (acute administration, chronic
   exposure, OIH, tolerance) in which the statements that do not hold are faded. Which edge holds where comes with the
   data (kg/outputs/map.py applies kg/schema/contexts.py: each edge's holdsIn, each context's closure); nothing here restates the
   rules. Only colours change, so no node moves and every edge keeps its sign (colour, arrow or bar). Registers in
   window.oihParts; map.js calls it with the page's API and the hooks below. */
(function () {
  "use strict";
  const FADED = 0.12;
  (window.oihParts = window.oihParts || []).push((page) => {
    const { D, meta, state, network, edges, el, label } = page;
    const C = meta.contexts;
    const base = new Map(D.edges.filter((e) => !e.membership).map((e) => [e.id, { color: e.color, font: e.font }]));
    const box = document.getElementById("context");
    const status = document.getElementById("context-status");
    const name = (c) => C.labels[c] || label(c);

    // "holds only in: opioid-induced hyperalgesia (under chronic opioid exposure)"
    function where(c) {
      const implied = C.closure[c].filter((d) => d !== c).map(name);
      return implied.length ? `${name(c)} (under ${implied.join(", ")})` : name(c);
    }
    const holds = (eid, c) => !c || meta.edges[eid].holdsIn.includes(c);

    function restyle() {
      const c = state.context;
      edges.update([...base].map(([id, b]) => {
        const on = holds(id, c);
        const colour = { color: b.color, highlight: b.color, hover: b.color, opacity: on ? 1 : FADED };
        const update = { id, color: colour };
        if (b.font) update.font = on ? b.font : { ...b.font, color: `${b.font.color}40`, strokeWidth: 0 };
        return update;
      }));
    }
    function describe() {
      const c = state.context;
      if (!c) {
        status.textContent = "Every statement shown; a tag on an edge names the only context it holds in.";
        return;
      }
      const faded = new Set([...base.keys()].filter((id) => !holds(id, c)).map((id) => meta.edges[id].context));
      status.textContent = `${where(c)}: ` + (faded.size ? `faded, the statements that hold only in ${C.choices.filter((d) => faded.has(d)).map(name).join(", ")}.`
        : "every statement holds.");
    }
    function setContext(c, quiet) {
      c = C.choices.includes(c) ? c : "";
      state.context = c;
      const radio = box.querySelector(`input[value="${CSS.escape(c)}"]`);
      if (radio) radio.checked = true;
      restyle();
      describe();
      if (quiet) return;
      if (state.intervention) page.highlight(state.intervention);
      if (page.rerunPaths) page.rerunPaths();
      page.hook("contextChanged", c);  // the simulator follows: acute is one dose
      page.saveView();
    }

    // the switch: every context, then each context of the data, exposures first
    for (const c of ["", ...C.choices]) {
      const input = el("input", { type: "radio", name: "context", value: c });
      input.addEventListener("change", () => { if (input.checked) setContext(c); });
      const excludes = c && C.excludes[c].length ? ` It excludes ${C.excludes[c].map(name).join(", ")}.` : "";
      const title = c ? `${where(c)}: ${(meta.nodes[c] || {}).definition || ""}${excludes}` : "the statements of every context";
      box.append(el("label", { title }, input, c ? C.short[c] : "every context"));
    }
    box.querySelector('input[value=""]').checked = true;
    describe();

    const legend = document.getElementById("legend");
    legend.append(el("span", { class: "legend-row" }, el("span", { class: "context-tag" }, C.choices.map((c) => C.short[c]).join(" / ")),
      "tag: holds only there"),
    el("span", { class: "legend-row" }, el("span", { class: "sign", style: `color:${meta.signColours["+"]};opacity:.25` }, "─▶"),
      "faded: does not hold in the chosen context"));

    return {
      edgeRows(e, add) {
        if (e.context) add("Holds only in", where(e.context)); else add("Holds in", "every context");
        if (state.context) {
          add("In the chosen context", `${holds(e.id, state.context) ? "holds" : "does not hold"} in ${name(state.context)}`);
        }
      },
      nodeRows(id, add) {
        if (!C.choices.includes(id)) return;
        const only = Object.values(meta.edges).filter((e) => e.context === id && !e.inferred);
        const ul = el("ul", {});
        for (const e of only) ul.append(el("li", {}, `${label(e.subject)} ${e.relation} ${label(e.object)}`));
        add(`Statements that hold only in it (${only.length})`, ul);
        const button = el("button", { type: "button", class: "context-choose" }, `Show the map in ${C.short[id]}`);
        button.addEventListener("click", () => setContext(id));
        add("Context switch", button);
      },
      pathRows(p, li) {
        li.append(el("div", { class: "path-context" }, p.contexts.length ? `holds only in: ${p.contexts.map(where).join(" and ")}`
          : "holds in every context", p.weakest_evidence ? `; weakest evidence: ${p.weakest_evidence}` : ""));
      },
      save(v) { if (state.context) v.set("context", state.context); },
      restore(v) { if (v.get("context")) setContext(v.get("context"), true); },
      ready(api) {
        Object.assign(api, { setContext, context: () => state.context, edgeHolds: (eid) => holds(eid, state.context) });
        network.redraw();
      },
    };
  });
})();
