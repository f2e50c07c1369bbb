/* oihkg mechanism map, the simulator below the map (POST /simulate on the served map): P, A, H and dP/dD against
   dose, with and without the chosen interventions; its settings live in the view's link. Registers in
   window.oihParts; map.js calls it with the page's API and the hooks below. */
(function () {
  "use strict";
  (window.oihParts = window.oihParts || []).push((page) => {
    const { meta, network, el, served, saveView } = page;
    const sim = { result: null, without: null, timer: null, seq: 0, api: null };
    const ACUTE = "oih:acute_administration";  // one dose: the model takes no exposure then (POST /simulate, kg/engine.py)
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
        el("div", {}, r.context === ACUTE ? "One dose (acute administration), at dose " : "After chronic exposure, at dose ",
          el("strong", {}, String(r.dose)), ": ", el("span", { class: r.classification }, r.classification),
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
      ready(api) { sim.api = api; Object.assign(api, { simulate, simulation: () => sim.result, simulationWithout: () => sim.without }); },
    };
  });
})();
