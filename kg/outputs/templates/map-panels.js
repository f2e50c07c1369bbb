/* oihkg mechanism map, the evidence panels: a node's card (a pathway's with what drives and what inhibits it), an
   edge's evidence (the quote as text, the ECO code named, the citations as the article's reference markers, a step
   inherited from a drug class said so), a citation's statements, and the pathway × intervention matrix with the
   reasoner's explanation of each inferred cell. The quotes' display form is made in Python (kg/present/display.py) and ships
   in the map data. Registers in window.oihParts; map.js's nodePanel, edgePanel and citation call into it. */
(function () {
  "use strict";
  (window.oihParts = window.oihParts || []).push((page) => {
    const { meta, el, label, show, hook, served } = page;
    const DIRECTION = { drives: "▲ drives", inhibits: "▼ inhibits" };

    const panelBox = document.getElementById("panel");
    function widths(kind) { panelBox.classList.remove("wide", "answers"); if (kind) panelBox.classList.add(kind); }
    function link(id, url) { return el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, id); }
    // a stored quote as a reader sees it (math as text); the stored form stays verbatim in the data
    const quoteText = (q) => (meta.quoteText && meta.quoteText[q]) || q;
    const evidenceName = (code) => (meta.evidenceTypes && meta.evidenceTypes[code]) || "";
    function evidence(code) {
      const name = evidenceName(code);
      return el("span", { class: "eco" }, name ? `${name} ` : "", "(", link(code, `https://bioregistry.io/${code}`), ")");
    }
    // a citation: the article's reference marker, shown short; a click lists every statement that cites it
    function citation(c) {
      const info = (meta.citations || {})[c] || { marker: `problem_id:${c}`, statements: 0 };
      const b = el("button", { type: "button", class: "cite", "data-citation": c,
        title: `reference marker [@${info.marker}] in the source article; cited by ${info.statements} statement(s) of the map: click for them` },
      `ref. ${c}`);
      b.addEventListener("click", (ev) => { ev.stopPropagation(); citationPanel(c); });
      return b;
    }
    function citations(list) {
      const span = el("span", { class: "cites" });
      list.forEach((c, i) => { if (i) span.append(" "); span.append(citation(c)); });
      return span;
    }
    // the key under a list of citations: what "ref. N" is, written so it can be searched for in the article
    function citationKey(list) {
      const ids = [...new Set(list)];
      if (!ids.length) return "";
      return el("p", { class: "hint cite-key" }, "ref. N: the source article's reference marker, as written in its text: ",
        ids.map((c) => ((meta.citations || {})[c] || { marker: `problem_id:${c}` }).marker).join(", "));
    }
    function inherited(e) {
      return e.via ? el("span", { class: "inherited", title: "inferred by HermiT from what the text says of the drug class" },
        `inherited from ${label(e.via)}`) : "";
    }
    function citationPanel(c) {
      const info = (meta.citations || {})[c] || { marker: `problem_id:${c}` };
      const ul = el("ul", { class: "cited" });
      for (const e of Object.values(meta.edges).filter((x) => !x.inferred && x.citations.includes(c))) {
        ul.append(el("li", {}, `${label(e.subject)} ${e.relation} ${label(e.object)}`,
          e.quote ? el("blockquote", {}, quoteText(e.quote)) : ""));
      }
      const more = served ? el("p", {}, link("the same as a named query (by-citation)",
        `/queries/by-citation?citation=${encodeURIComponent(info.marker)}`)) : "";
      show(el("h3", {}, `ref. ${c}`), el("p", { class: "hint" },
        `The reference the source article cites with the marker [@${info.marker}]. Asserted statements that cite it:`), ul, more);
      widths("");
    }

    // -- drivers and inhibitors of a pathway (the reasoner's intervention → pathway facts)
    // every intervention → pathway link: those that hold in every context (iv.directions) and those the reasoner
    // derives only in a context (iv.inContext), each with its explanation
    function links() {
      const out = [];
      for (const [id, iv] of Object.entries(meta.interventions)) {
        for (const [pid, d] of Object.entries(iv.directions || {})) {
          out.push({ id, iv, pid, direction: d, inferred: iv.inferred.includes(pid), contexts: [],
            steps: (iv.explanations || {})[pid] || [] });
        }
        for (const c of iv.inContext || []) {
          out.push({ id, iv, pid: c.pathway, direction: c.direction, inferred: true, contexts: c.contexts, steps: c.explanation });
        }
      }
      return out.sort((a, b) => a.iv.label.localeCompare(b.iv.label));
    }
    const where = (a) => (a.contexts.length ? `only in ${a.contexts.map((c) => c.label).join(", ")}` : "in every context");
    function actors(pid) {
      const out = { drives: [], inhibits: [] };
      for (const a of links()) if (a.pid === pid) out[a.direction].push(a);
      return out;
    }
    // a relation's label where the map knows it (from its edges), else its code
    const relations = new Map(Object.values(meta.edges).map((e) => [e.predicate, e.relation]));
    const relationName = (p) => relations.get(p) || { "oih:part_of_pathway": "is part of pathway", "rdf:type": "is a" }[p] || p;
    function explanation(a) {
      if (!a.steps.length) return el("p", { class: "hint" }, "Asserted in the curated sources.");
      const ol = el("ol", { class: "explanation" });
      for (const s of a.steps) {
        const triple = s.subject ? `${label(s.subject)} ${relationName(s.predicate)} ${label(s.object)}` : "";
        ol.append(el("li", {}, el("span", { class: "step-kind" }, `${s.kind}: `), triple || s.axiom || "",
          triple && s.axiom ? el("code", {}, ` ${s.axiom}`) : ""));
      }
      return ol;
    }
    function actorList(items, direction) {
      const ul = el("ul", { class: `actors actors-${direction}` });
      for (const a of items) {
        const why = el("details", {}, el("summary", {}, `${a.inferred ? "inferred by HermiT" : "asserted"}, ${where(a)}: why`), explanation(a));
        ul.append(el("li", {}, el("span", { class: "actor" }, a.iv.label), " ", el("span", { class: direction }, DIRECTION[direction]), why));
      }
      return ul;
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
      if (n.category === "pathway") {
        const a = actors(id);
        add(`Driven by (${a.drives.length})`, a.drives.length ? actorList(a.drives, "drives") : "nothing the map names");
        add(`Inhibited by (${a.inhibits.length})`, a.inhibits.length ? actorList(a.inhibits, "inhibits") : "nothing the map names");
        const members = Object.keys(meta.nodes).filter((m) => meta.nodes[m].pathways.includes(id)).map(label).sort();
        add(`Members (${members.length})`, members.join("; ") || "none");
      }
      const related = Object.values(meta.edges).filter((e) => !e.inferred && (e.subject === id || e.object === id));
      const ul = el("ul", {});
      for (const e of related) {
        const item = el("li", {}, `${label(e.subject)} ${e.relation} ${label(e.object)}`);
        if (e.citations.length) item.append(" ", citations(e.citations));
        ul.append(item);
      }
      if (related.length || n.category !== "pathway") add(`Asserted edges (${related.length})`, ul, citationKey(related.flatMap((e) => e.citations)));
      hook("nodeRows", id, add);
      show(el("h3", {}, n.label), dl);
      widths("");
    }
    function edgePanel(eid) {
      const e = meta.edges[eid];
      const dl = el("dl", {});
      const add = (term, ...dd) => dl.append(el("dt", {}, term), el("dd", {}, ...dd));
      add("Relation", `${e.relation} (${e.predicate})`);
      add("Sign", e.sign === 1 ? "+ (increases)" : e.sign === -1 ? "− (decreases)" : "unsigned");
      add("Status", e.via ? el("span", {}, inherited(e), `: inferred by the reasoner (HermiT); what the text says of ${label(e.via)} holds for each member`)
        : e.inferred ? "inferred by the reasoner (HermiT)" : "asserted, curated from the source text");
      hook("edgeRows", e, add);
      add("Citations", e.citations.length ? citations(e.citations) : "none: the quoted sentence cites nothing", citationKey(e.citations));
      if (e.quote) add("Quote", el("blockquote", {}, e.quoteText || quoteText(e.quote)));
      if (e.evidenceType) add("Evidence type", evidence(e.evidenceType));
      show(el("h3", {}, `${label(e.subject)} → ${label(e.object)}`), dl);
      widths("");
    }

    // -- the pathway × intervention matrix, in the panel beside the map
    function matrixPanel() {
      const pathways = Object.keys(meta.pathways).sort((a, b) => meta.pathways[a].localeCompare(meta.pathways[b]));
      const all = links(), byRow = new Map();
      for (const a of all) {
        if (!byRow.has(a.id)) byRow.set(a.id, []);
        byRow.get(a.id).push(a);
      }
      const out = el("div", { class: "matrix-why", role: "status" }, "Click a cell for the reasoner's explanation.");
      const head = el("tr", {}, el("th", {}, "intervention"), ...pathways.map((p) => el("th", { scope: "col" }, meta.pathways[p])));
      const body = el("tbody", {});
      for (const [id, row] of byRow) {
        const tr = el("tr", {}, el("th", { scope: "row" }, row[0].iv.label));
        for (const p of pathways) {
          const td = el("td", {});
          for (const a of row.filter((x) => x.pid === p)) {
            const cell = el("button", { type: "button", class: `cell ${a.direction}${a.inferred ? " inferred" : ""}${a.contexts.length ? " in-context" : ""}`,
              "data-intervention": id, "data-pathway": p, "data-direction": a.direction,
              title: `${a.iv.label} ${a.direction} ${meta.pathways[p]} (${a.inferred ? "inferred" : "asserted"}, ${where(a)})` },
            DIRECTION[a.direction], el("br", {}),
            el("small", {}, a.contexts.length ? `in ${a.contexts.map((c) => c.label).join(", ")}` : a.inferred ? "inferred" : "asserted"));
            cell.addEventListener("click", () => out.replaceChildren(el("strong", {}, `${a.iv.label} ${a.direction} ${meta.pathways[p]}`),
              ` (${a.inferred ? "inferred by HermiT" : "asserted"}, ${where(a)})`, explanation(a)));
            td.append(cell);
          }
          tr.append(td);
        }
        body.append(tr);
      }
      show(el("h3", {}, "Pathway × intervention"), el("p", { class: "hint" },
        "▲ drives, ▼ inhibits a pathway, as HermiT derives from the curated targets; a cell named “in …” holds only in that context."),
      el("table", { class: "matrix" }, el("thead", {}, head), body), out);
      widths("wide");
    }
    // the intervention's panel (map.js) is a card: back to a card's width
    document.getElementById("intervention").addEventListener("change", () => widths(""));
    const button = document.getElementById("open-matrix");
    if (button) button.addEventListener("click", matrixPanel);

    // a citation typed in the search box ("ref. 4867970", "problem_id:4867970", "[@problem_id:4867970]") opens its panel
    function findCitation(text) {
      const m = /^\s*(?:\[?@?problem_id:|ref\.?\s*)(\d+)\]?\s*$/i.exec(text);
      if (!m || !(meta.citations || {})[m[1]]) return false;
      citationPanel(m[1]);
      return true;
    }
    Object.assign(page, { findCitation, nodePanel, edgePanel, citation, citations, citationKey, quoteText, evidence, inherited, matrixPanel });
    return { ready(api) { Object.assign(api, { matrixPanel, citationPanel, findCitation, nodePanel, edgePanel }); } };
  });
})();
