/* oihkg mechanism map, the simulator below the map (POST /simulate on the served map): P, A, H and dP/dD against
   dose, with and without the chosen interventions; its settings live in the view's link. Registers in
   window.oihParts; map.js calls it with the page's API and the hooks below. */
(function () {
  "use strict";
  (window.oihParts = window.oihParts || []).push((page) => {
    const { meta, network, el, served, saveView } = page;  // page.label names a node
    const sim = { result: null, without: null, scenarios: [], timer: null, seq: 0, api: null };
    // the model's test taper is an intervention that reduces the dose by its taper_fraction (kg/mechanism/model.py)
    const TAPER = "oih:test_taper";
    const ACUTE = "oih:acute_administration";  // one dose: the model takes no exposure then (POST /simulate, kg/mechanism/engine.py)
    const simForm = document.getElementById("sim-form");
    const simBox = document.getElementById("sim-interventions");
    for (const [id, iv] of Object.entries(meta.interventions).sort((a, b) => a[1].label.localeCompare(b[1].label))) {
      simBox.append(el("label", {}, el("input", { type: "checkbox", value: id }), iv.label));
    }
    const profileSelect = document.getElementById("sim-profile");
    for (const [id, n] of Object.entries(meta.nodes)) {
      if (n.type === "oih:Disease") profileSelect.append(el("option", { value: id }, n.label));
    }
    // the map's context switch says how the drug is given: acute administration is one dose, anything else chronic
    const acute = () => Boolean(sim.api && sim.api.context && sim.api.context() === ACUTE);
    function simSettings() {
      const settings = {
        dose: Number(document.getElementById("sim-dose").value),
        exposure: Number(document.getElementById("sim-exposure").value),
        profile: profileSelect.value || null,
        interventions: [...simBox.querySelectorAll("input:checked")].map((b) => b.value),
      };
      if (acute()) { delete settings.exposure; settings.context = ACUTE; }
      return settings;
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
      document.getElementById("sim-exposure").disabled = !served || acute();
      document.getElementById("sim-exposure-value").textContent = acute() ? "0 (one dose: acute, from the context switch)" : settings.exposure;
      // the scenarios side by side: the baseline (no intervention), + the chosen interventions, + the model's test taper
      // (its taper intervention on the baseline) and, with a profile, the baseline without it; each its own POST /simulate
      const base = { ...settings, interventions: [] };
      const scenarios = [{ key: "baseline", body: base }];
      if (settings.interventions.length) scenarios.push({ key: "chosen", body: settings });
      if (!settings.interventions.includes(TAPER)) scenarios.push({ key: "taper", body: { ...base, interventions: [TAPER] } });
      if (settings.profile) scenarios.push({ key: "no-profile", body: { ...base, profile: null } });
      return Promise.all(scenarios.map((x) => post(x.body))).then((results) => {
        if (seq !== sim.seq) return;  // a newer setting has been asked for
        scenarios.forEach((x, i) => { x.result = results[i]; });
        sim.scenarios = scenarios;
        sim.result = settings.interventions.length ? results[1] : results[0];
        sim.without = settings.interventions.length ? results[0] : null;
        drawSimulation();
        saveView();
      }).catch((err) => { if (seq === sim.seq) document.getElementById("sim-result").textContent = `Simulation failed: ${err.message}`; });
    }
    const CURVES = [["P", "#222", "net pain P"], ["A", "#2166ac", "analgesia A"], ["H", "#b2182b", "hyperalgesic component H"]];
    const fmt = (x, n = 2) => (x === null || x === undefined ? "none" : Number(x).toFixed(n));
    const signed = (x) => `${x >= 0 ? "+" : ""}${x.toFixed(3)}`;
    function ticks(max, n) {  // round steps for an axis from 0 to max
      const raw = max / n, mag = 10 ** Math.floor(Math.log10(raw)), step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw);
      const out = [];
      for (let v = 0; v <= max + 1e-9; v += step) out.push(Math.round(v * 1000) / 1000);
      return out;
    }
    function drawSimulation() {
      const r = sim.result, canvas = document.getElementById("sim-plot"), ctx = canvas.getContext("2d");
      const ratio = window.devicePixelRatio || 1, cssW = canvas.clientWidth || 560, cssH = canvas.clientHeight || 220;
      canvas.width = Math.round(cssW * ratio); canvas.height = Math.round(cssH * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      const W = cssW, H = cssH, L = 44, R = 52, T = 10, B = 46;
      const dose = r.curves.dose, xmax = dose[dose.length - 1];
      const all = [r, sim.without].filter((x) => x);
      const ymax = Math.max(10, ...all.flatMap((x) => CURVES.flatMap(([k]) => x.curves[k])));
      const slope = all.flatMap((x) => x.curves.dP_dD), smax = Math.max(0.05, ...slope.map(Math.abs));
      const px = (d) => L + (d / xmax) * (W - L - R), py = (v) => T + (1 - v / ymax) * (H - T - B);
      const ps = (v) => T + (0.5 - v / (2 * smax)) * (H - T - B);
      ctx.clearRect(0, 0, W, H);
      ctx.font = "12px sans-serif";
      ctx.strokeStyle = "#999"; ctx.beginPath(); ctx.moveTo(L, T); ctx.lineTo(L, H - B); ctx.lineTo(W - R, H - B); ctx.lineTo(W - R, T); ctx.stroke();
      ctx.fillStyle = "#444"; ctx.textAlign = "center";
      for (const d of ticks(xmax, 6)) {  // dose ticks
        ctx.beginPath(); ctx.moveTo(px(d), H - B); ctx.lineTo(px(d), H - B + 4); ctx.stroke(); ctx.fillText(String(d), px(d), H - B + 15);
      }
      ctx.fillText("opioid dose D (illustrative dose units)", (L + W - R) / 2, H - B + 28);
      ctx.textAlign = "right";
      for (const v of ticks(ymax, 4)) {  // pain ticks, left
        ctx.beginPath(); ctx.moveTo(L - 4, py(v)); ctx.lineTo(L, py(v)); ctx.stroke(); ctx.fillText(String(v), L - 6, py(v) + 4);
      }
      ctx.textAlign = "left";
      for (const v of [-smax, 0, smax]) {  // slope ticks, right
        ctx.beginPath(); ctx.moveTo(W - R, ps(v)); ctx.lineTo(W - R + 4, ps(v)); ctx.stroke(); ctx.fillText(v ? v.toFixed(2) : "0", W - R + 6, ps(v) + 4);
      }
      ctx.save(); ctx.translate(11, (T + H - B) / 2); ctx.rotate(-Math.PI / 2); ctx.textAlign = "center";
      ctx.fillText("P, A, H (model pain units)", 0, 0); ctx.restore();
      ctx.save(); ctx.translate(W - 3, (T + H - B) / 2); ctx.rotate(-Math.PI / 2); ctx.textAlign = "center";
      ctx.fillStyle = "#7a0177"; ctx.fillText("dP/dD (per dose unit)", 0, 0); ctx.restore();
      ctx.setLineDash([2, 3]); ctx.strokeStyle = "#bbb";
      ctx.beginPath(); ctx.moveTo(L, ps(0)); ctx.lineTo(W - R, ps(0)); ctx.stroke(); ctx.setLineDash([]);
      function line(xs, ys, colour, dashed, map) {
        ctx.strokeStyle = colour; ctx.setLineDash(dashed ? [5, 4] : []); ctx.lineWidth = dashed ? 1 : 1.8; ctx.beginPath();
        xs.forEach((d, i) => { const x = px(d), y = map(ys[i]); if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y); });
        ctx.stroke(); ctx.setLineDash([]); ctx.lineWidth = 1;
      }
      if (sim.without) for (const [k, c] of CURVES) line(dose, sim.without.curves[k], c, true, py);
      for (const [k, c] of CURVES) line(dose, r.curves[k], c, false, py);
      line(dose, r.curves.dP_dD, "#7a0177", false, ps);
      for (const [x, colour] of [[sim.without && sim.without.oih_threshold_dose, "#e7a0a8"], [r.oih_threshold_dose, "#b2182b"]]) {
        if (x === null || x === undefined) continue;
        ctx.strokeStyle = colour; ctx.setLineDash([3, 3]); ctx.beginPath(); ctx.moveTo(px(x), T); ctx.lineTo(px(x), H - B); ctx.stroke(); ctx.setLineDash([]);
      }
      ctx.strokeStyle = "#000"; ctx.beginPath(); ctx.moveTo(px(r.dose), T); ctx.lineTo(px(r.dose), H - B); ctx.stroke();
      const legend = document.getElementById("sim-legend");
      if (legend) {
        legend.replaceChildren(...CURVES.concat([["dP_dD", "#7a0177", "dP/dD (right scale)"]]).map(([, c, name]) =>
          el("span", { class: "sim-key" }, el("span", { class: "line", style: `border-color:${c}` }), name)),
        el("span", { class: "sim-key" }, el("span", { class: "line", style: "border-color:#b2182b;border-top-style:dashed" }),
          sim.without ? "OIH threshold (pale: baseline)" : "OIH threshold"),
        sim.without ? el("span", { class: "sim-key" }, "dashed curves: baseline, no intervention") : "");
      }
      describe(r, sim.without);
    }
    // the scenarios side by side: a column each, every value as POST /simulate answers it; a value that differs from
    // the baseline's is bold
    function compareTable(scenarios) {
      const names = (ids) => ids.map((i) => (meta.interventions[i] || { label: page.label(i) }).label);
      const title = (x) => {
        const r = x.result;
        if (x.key === "baseline") return ["baseline", el("span", { class: "hint" }, ` (${x.body.profile ? `${page.label(x.body.profile)}, ` : ""}` +
          `${scenarios.some((y) => y.key === "chosen") ? "without the interventions" : "no intervention"})`)];
        if (x.key === "chosen") return [`+ ${names(x.body.interventions).join(" + ")}`];
        if (x.key === "taper") return ["+ test taper", el("span", { class: "hint" }, ` (dose ${r.prescribed_dose} → ${fmt(r.dose, 1)})`)];
        return ["baseline without the profile", el("span", { class: "hint" }, ` (${page.label(sim.scenarios[0].body.profile)})`)];
      };
      const ROWS = [
        ["operating dose", (r) => `${r.dose}`],
        ["OIH threshold dose", (r) => fmt(r.oih_threshold_dose, 1)],
        ["verdict", (r) => r.classification],
        ["net pain P", (r) => fmt(r.at_dose.P)],
        ["analgesia A", (r) => fmt(r.at_dose.A)],
        ["hyperalgesic component H", (r) => fmt(r.at_dose.H)],
        ["dP/dD", (r) => signed(r.at_dose.dP_dD)],
        ["test taper", (r) => `to ${fmt(r.test_taper.dose, 1)}: ${r.test_taper.outcome}`],
      ];
      return el("table", { class: "sim-compare sim-scenarios" },
        el("thead", {}, el("tr", {}, el("th", {}, "scenario"), ...scenarios.map((x) => el("th", { scope: "col", "data-scenario": x.key }, ...title(x))))),
        el("tbody", {}, ...ROWS.map(([what, value]) => {
          const b = value(scenarios[0].result);
          return el("tr", {}, el("th", { scope: "row" }, what), ...scenarios.map((x, i) => {
            const v = value(x.result);
            return el("td", { class: i && v !== b ? "delta" : "same", "data-scenario": x.key }, v);
          }));
        })));
    }
    function describe(r, base) {
      const out = document.getElementById("sim-result"), a = r.at_dose, t = r.test_taper;
      const names = (ids) => ids.map((i) => (meta.interventions[i] || { label: i }).label);
      const appliedIds = [...new Set((r.applied || []).map((x) => x.intervention))];
      const ignored = r.interventions.filter((i) => !appliedIds.includes(i));
      const head = el("div", {}, r.context === ACUTE ? "One dose (acute administration), at dose " : "After chronic exposure, at dose ",
        el("strong", {}, String(r.dose)), ": ", el("span", { class: r.classification }, r.classification),
        ` (dP/dD ${signed(a.dP_dD)})`);
      const rows = [];
      if (sim.scenarios.length > 1) {
        rows.push(compareTable(sim.scenarios));
      } else {
        rows.push(el("div", {}, r.oih_threshold_dose === null ? "No OIH threshold in this dose range."
          : `OIH above dose ${r.oih_threshold_dose} (red dashed line).`),
        el("div", {}, `Test taper to ${t.dose}: ${t.outcome}.`),
        el("div", {}, `P ${a.P.toFixed(2)}, A ${a.A.toFixed(2)}, H ${a.H.toFixed(2)}`));
      }
      const said = [];
      if (appliedIds.length) {
        said.push(el("div", { class: "applied" }, "Applied: ", (r.applied || []).map((x) =>
          `${names([x.intervention])[0]} (on ${page.label(x.target)}: ${meta.pathways[x.pathway] || x.pathway} ` +
          `gain ×${Number(x.factor).toFixed(2)})`).join("; ")));
      }
      if (ignored.length) {
        said.push(el("div", { class: "ignored" }, `Not applied: ${names(ignored).join(", ")}: the model has no pathway gain for it ` +
          "(it changes gains only for agents acting on a pathway's target; the opioid is the dose itself, a dose change is the slider)."));
      }
      out.replaceChildren(head, ...said, ...rows, el("div", { class: "hint" }, r.note));
    }
    function scheduleSimulation() { clearTimeout(sim.timer); sim.timer = setTimeout(simulate, 120); }
    document.getElementById("simulator-box").addEventListener("toggle", () => { network.redraw(); saveView(); });
    // the plot is drawn at its on-screen size: drawn again when the window changes size
    let resized = null;
    window.addEventListener("resize", () => { clearTimeout(resized); resized = setTimeout(() => { if (sim.result) drawSimulation(); }, 150); });
    simForm.addEventListener("input", scheduleSimulation);
    simForm.addEventListener("change", scheduleSimulation);
    if (!served) {
      simForm.querySelectorAll("input, select").forEach((x) => { x.disabled = true; });
      document.getElementById("sim-result").textContent = "The simulator asks the server: open this map from `oihkg serve` at /map.";
    }

    return {
      save(v) {
        if (!sim.result || !document.getElementById("simulator-box").open) return;
        const st = simSettings();
        v.set("sim", [st.dose, st.exposure, st.profile || "", st.interventions.join(",")].join("|"));
      },
      restore(v) {
        if (!v.get("sim")) return;
        document.getElementById("simulator-box").open = true;
        const [dose, exposure, profile, ivs] = v.get("sim").split("|");
        for (const [id, value] of [["sim-dose", dose], ["sim-exposure", exposure]]) {
          const input = document.getElementById(id), x = Number(value);
          if (value !== "" && Number.isFinite(x) && x >= Number(input.min) && x <= Number(input.max)) input.value = value;
        }
        if (profile && [...profileSelect.options].some((o) => o.value === profile)) profileSelect.value = profile;
        const chosen = new Set((ivs || "").split(",").filter((x) => x));
        simBox.querySelectorAll("input").forEach((b) => { b.checked = chosen.has(b.value); });
      },
      restored: () => (served ? simulate() : undefined),
      contextChanged: () => (served && document.getElementById("simulator-box").open ? scheduleSimulation() : undefined),
      ready(api) { sim.api = api; Object.assign(api, { simulate, simulation: () => sim.result, simulationWithout: () => sim.without,
        simulationScenarios: () => sim.scenarios.map((x) => ({ key: x.key, body: x.body, result: x.result })) }); },
    };
  });
})();
