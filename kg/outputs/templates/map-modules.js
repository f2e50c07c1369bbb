/* oihkg mechanism map, modules that collapse and expand in place: a collapsed module keeps its area where it is and
   its pathway node; its other members are hidden and its links to the rest of the map are drawn once each, dashed,
   to the pathway node (the sign when every link agrees). Nothing moves. A click on an area's name, or its box under
   View, toggles it; the choice lives in the view's link. Registers in window.oihParts; map.js calls it with the page's
   API and the hooks below. */
(function () {
  "use strict";
  const HEADER = 34;  // the strip that holds an area's name (kg/outputs/layout.py)
  (window.oihParts = window.oihParts || []).push((page) => {
    const { D, meta, state, network, edges, el, label } = page;
    const areas = D.areas || [];
    const sc = meta.signColours;

    // each module's links to the rest of the map, one per outside node and direction, drawn when it is collapsed
    const summary = [];
    for (const a of areas) {
      const inside = new Set(a.members.filter((m) => m !== a.id)), seen = new Map();
      for (const e of Object.values(meta.edges)) {
        const from = inside.has(e.subject), to = inside.has(e.object);
        if (e.inferred || from === to || (from ? e.object : e.subject) === a.id) continue;
        const key = from ? `${a.id}|${e.object}` : `${e.subject}|${a.id}`;
        seen.set(key, seen.has(key) && seen.get(key) !== e.sign ? null : e.sign);
      }
      for (const [key, sign] of seen) {
        const [from, to] = key.split("|");
        summary.push({ id: `s:${key}`, from, to, module: a.id, summary: true, membership: true, inferred: false, physics: false,
          dashes: [3, 4], width: 2, color: { color: sign === 1 ? sc["+"] : sign === -1 ? sc["-"] : sc.none, opacity: 0.9 },
          arrows: { to: { enabled: true, type: sign === -1 ? "bar" : "arrow" } },
          title: `${label(from)} → ${label(to)}: the links of a collapsed module, drawn once` });
      }
    }
    edges.add(summary);

    // the boxes under View, one per module
    const box = el("fieldset", { id: "modules" }, el("legend", {}, "Modules (untick to collapse in place)"));
    for (const a of areas) {
      const input = el("input", { type: "checkbox", value: a.id, checked: "" });
      input.addEventListener("change", () => { setCollapsed(a.id, !input.checked); page.saveView(); });
      box.append(el("label", {}, input, ` ${a.label}`));
    }
    document.getElementById("show-hulls").closest("label").after(box);

    function setCollapsed(id, on) {
      if (!areas.some((a) => a.id === id)) return;
      if (on) state.collapsed.add(id); else state.collapsed.delete(id);
      state.folded = new Set(areas.filter((a) => state.collapsed.has(a.id)).flatMap((a) => a.members.filter((m) => m !== a.id)));
      const input = box.querySelector(`input[value="${CSS.escape(id)}"]`);
      if (input) input.checked = !on;
      page.refresh();
      network.redraw();
    }
    network.on("click", (p) => {
      if (p.nodes.length || p.edges.length) return;
      const at = p.pointer.canvas;
      const a = page.areasShown().find((x) => at.x >= x.x && at.x <= x.x + x.w && at.y >= x.y && at.y <= x.y + HEADER);
      if (a) { setCollapsed(a.id, !state.collapsed.has(a.id)); page.saveView(); }
    });

    return {
      unfold(ids) {  // a path or a chosen node inside a collapsed module opens it
        for (const a of areas) if (state.collapsed.has(a.id) && ids.some((n) => n !== a.id && a.members.includes(n))) setCollapsed(a.id, false);
      },
      save(v) { if (state.collapsed.size) v.set("collapsed", [...state.collapsed].join(",")); },
      restore(v) { for (const id of (v.get("collapsed") || "").split(",")) if (id) setCollapsed(id, true); },
      ready(api) { Object.assign(api, { setCollapsed, collapsed: () => [...state.collapsed] }); },
    };
  });
})();
