// The oihkg SPARQL editor: YASGUI (installed from npm at setup, served by this API) configured to
// talk to this server only, with completions, examples and prefixes read from /sparql/completions.
(function () {
  "use strict";

  var endpoint = location.origin + "/sparql";
  var byIri = new Map(); // IRI -> CURIE, for linking results to /entities/{id}
  var display = new Map(); // suggested text -> what the hint list shows

  // The query the editor opens on: short, its two prefixes declared, run at once so the answer is in view.
  var STARTER = "# Which interventions drive or inhibit which pathway (inferred by the reasoner)?\n" +
    "# Edit and run it with \u25b6 or Ctrl+Enter; type a name (\u201cketamine\u201d) or a relation (\u201cinhibits\u201d) to complete it.\n" +
    "PREFIX oih: <https://w3id.org/oihkg/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" +
    "SELECT ?intervention ?name ?effect ?pathway WHERE {\n" +
    "  VALUES ?relation { oih:drives_pathway oih:inhibits_pathway }\n" +
    "  ?intervention ?relation ?pathway ; rdfs:label ?name .\n" +
    "  ?relation rdfs:label ?effect .\n}\nORDER BY ?name ?effect\nLIMIT 50\n";

  // The prefixes a query uses and does not declare, in order of first use. Comments, strings and <IRIs> are blanked
  // first; a prefix starts after a delimiter (not inside a local name, a variable or a number).
  function undeclaredPrefixes(query) {
    var text = query.replace(/"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|#[^\n]*/g, " ");
    var declared = {}, used = [];
    text.replace(/PREFIX\s+([A-Za-z][\w.-]*)?:/gi, function (_, p) { declared[p || ""] = true; return ""; });
    text.replace(/(?<![\w?$:.%\\-])([A-Za-z][\w-]*(?:\.[\w-]+)*):(?!\/\/)/g, function (_, p) {
      if (!declared[p] && used.indexOf(p) < 0) used.push(p);
      return "";
    });
    return used;
  }

  // The one sentence the editor says for a failed query: the server's message, or, for a prefix it does not know,
  // which prefix and how to declare it (never the parser's list of expected characters).
  function errorSentence(text, query) {
    var detail = text;
    try { detail = JSON.parse(text).detail; } catch (e) { /* not JSON: the text as it came */ }
    if (typeof detail !== "string") detail = detail && detail.message ? detail.message : String(text);
    // the known prefixes were declared before the query left, so one still undeclared is unknown here
    var missing = undeclaredPrefixes(query)[0];
    if (missing === undefined) {
      if (detail.indexOf("Prefix not found") < 0) return { sentence: detail, parser: true };
      return { sentence: "The query uses a prefix it does not declare: add a PREFIX line for it above the query.", parser: false };
    }
    return { sentence: "The query uses the prefix \u201c" + missing + ":\u201d without declaring it: add a line such as PREFIX " +
      missing + ": <http://example.org/> above the query, or write the full IRI in <\u2026>.", parser: false };
  }

  function curieOf(iri, prefixes) {
    if (byIri.has(iri)) return byIri.get(iri);
    if (!/^https?:/.test(iri)) return null;
    var best = null;
    Object.keys(prefixes).forEach(function (p) {
      var ns = prefixes[p];
      if (iri.indexOf(ns) === 0 && (!best || ns.length > prefixes[best].length)) best = p;
    });
    return best ? best + ":" + iri.slice(prefixes[best].length) : null;
  }

  // Completion of entities by label or synonym, and of schema terms and entities after a prefix. The word completed
  // is what precedes the cursor up to a SPARQL delimiter, so labels with "-" or "/" and prefixed names complete whole.
  var KEYWORDS = ("BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED DISTINCT REDUCED ORDER BY ASC DESC LIMIT " +
    "OFFSET GROUP HAVING VALUES UNDEF OPTIONAL UNION MINUS GRAPH SERVICE SILENT FILTER BIND AS EXISTS NOT IN A TRUE " +
    "FALSE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG REGEX").split(" ");
  var DELIMITER = /[\s{}()\[\];,<>"'?$=!&|*+^]/;

  function wordBefore(yasqe) {
    var cur = yasqe.getDoc().getCursor(), line = yasqe.getDoc().getLine(cur.line), start = cur.ch;
    while (start > 0 && !DELIMITER.test(line.charAt(start - 1))) start--;
    var word = line.slice(start, cur.ch).replace(/\.$/, "");
    return { line: cur.line, start: start, end: start + word.length, text: word,
             before: line.slice(0, start).trim().split(/\s+/).pop() || "" };
  }

  function isKeywordish(word) {
    var up = word.toUpperCase();
    return word === up && KEYWORDS.some(function (k) { return k.indexOf(up) === 0; });
  }

  var SIGN_WORDS = { "-1": "inhibits negatively decreases reduces blocks antagonizes negative",
                     "1": "activates positively increases promotes drives positive" };

  function completer(data) {
    var entities = data.entities, terms = data.schema.concat(data.entities);
    // what completes by name: entities (label, synonyms) and the schema's relations and classes (label; a signed
    // relation also by the words of its sign, so "inhibits" offers "is antagonist of")
    var named = entities.concat(data.schema.map(function (t) {
      var words = t.sign !== undefined && t.sign !== null ? (SIGN_WORDS[String(t.sign)] || "").split(" ") : [];
      return { id: t.id, sparql: t.sparql, label: t.label, synonyms: [], words: words.filter(Boolean),
               type: t.sign ? t.kind + ", " + (t.sign > 0 ? "+" : "\u2212") : t.kind };
    }));
    function show(t, kind) {
      var label = t.label, tail = kind && label.indexOf("(" + kind + ")") < 0 ? " (" + kind + ")" : "";
      display.set(t.sparql, t.sparql + "  " + label + tail);
    }
    function suggest(text) {
      var needle = text.toLowerCase(), out = [];
      if (text.indexOf(":") > 0) {
        terms.forEach(function (t) {
          if (t.id.toLowerCase().indexOf(needle) === 0 || t.sparql.toLowerCase().indexOf(needle) === 0) {
            out.push(t.sparql);
            show(t, t.kind || t.type);
          }
        });
        return out.slice(0, 50);
      }
      var scored = [];
      named.forEach(function (e) {
        var rank = null;
        [e.label].concat(e.synonyms || []).forEach(function (n) {
          var at = n.toLowerCase().indexOf(needle);
          if (at >= 0) rank = Math.min(rank === null ? 9 : rank, at === 0 ? (n.length === needle.length ? 0 : 1) : 2);
        });
        if (rank === null && needle.length >= 3 && (e.words || []).some(function (w) {
          return w.indexOf(needle) === 0 || needle.indexOf(w) === 0;
        })) rank = 3;
        if (rank !== null) scored.push([rank, e.label.toLowerCase(), e]);
      });
      scored.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0); });
      return scored.slice(0, 30).map(function (s) { show(s[2], s[2].type); return s[2].sparql; });
    }
    // picking a term also declares its prefix when the query does not
    function apply(cm, range, hint) {
      var yasqe = cm, text = hint.text, colon = text.indexOf(":");
      cm.replaceRange(text, range.from, range.to, "complete");
      if (text.charAt(0) !== "<" && colon > 0) {
        var prefix = text.slice(0, colon);
        if (data.prefixes[prefix] && !yasqe.getPrefixesFromQuery()[prefix]) {
          var add = {};
          add[prefix] = data.prefixes[prefix];
          yasqe.addPrefixes(add);
        }
      }
    }
    return {
      name: "oihkg",
      bulk: false,
      autoShow: true,
      persistenceId: null,
      isValidCompletionPosition: function (yasqe) {
        var w = wordBefore(yasqe), token = yasqe.getTokenAt(yasqe.getDoc().getCursor());
        if (w.text.length < 2 || w.before.toUpperCase() === "PREFIX" || isKeywordish(w.text)) return false;
        return !(token && (token.type === "keyword" || token.type === "comment" || token.type === "string"));
      },
      preProcessToken: function (yasqe, token) {
        var w = wordBefore(yasqe);
        token.string = w.text;
        token.from = { line: w.line, ch: w.start };
        token.to = { line: w.line, ch: w.end };
        return token;
      },
      get: function (yasqe, token) { return suggest(token.string); },
      postprocessHints: function (yasqe, hints) {
        hints.forEach(function (h) {
          var range = { from: h.from, to: h.to };
          h.displayText = display.get(h.text) || h.text;
          h.className = "oih-hint";
          h.hint = function (cm) { apply(cm, range, h); };
        });
        return hints;
      },
    };
  }

  // results: an entity of the graph links to its node on the map; any other IRI is shortened and keeps its own link
  function linkResults(root, prefixes) {
    root.querySelectorAll(".yasr a[href]").forEach(function (a) {
      if (a.dataset.oih) return;
      var href = a.getAttribute("href"), curie = curieOf(href, prefixes);
      a.dataset.oih = "1";
      if (!curie) return;
      a.textContent = curie;
      a.title = href;
      if (byIri.has(href)) {
        a.setAttribute("href", "/map#node=" + encodeURIComponent(curie).replace(/%3A/g, ":"));
        a.removeAttribute("target");
        a.title = curie + " on the mechanism map";
      }
    });
  }

  // a failed query: one sentence in the results area, the server's message as it came (a prefix the query does not
  // declare is named, not reported as the parser's list of expected characters)
  function renderError(err, yasgui) {
    var said = errorSentence(err && err.text ? err.text : String(err && err.message || err), yasgui.getTab().getQuery());
    var el = document.createElement(said.parser ? "pre" : "p");
    el.className = said.parser ? "oih-error oih-parser" : "oih-error";
    el.textContent = said.sentence;
    return Promise.resolve(el);
  }

  function download(tab, mediaType, ext) {
    var status = document.getElementById("download-status");
    var body = new URLSearchParams({ query: tab.getQuery() });
    status.textContent = "";
    fetch(endpoint, { method: "POST", body: body, headers: { Accept: mediaType } }).then(function (r) {
      if (!r.ok) return r.json().then(function (j) { throw new Error(j.detail || r.statusText); });
      return r.blob();
    }).then(function (blob) {
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "oihkg-results." + ext;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    }).catch(function (err) { status.textContent = String(err.message || err); });
  }

  function start(data) {
    data.entities.forEach(function (t) { byIri.set(t.iri, t.id); });
    var Yasqe = Yasgui.Yasqe;
    // only completers that stay on this server: no LOV classes and properties, no prefix.cc
    Yasqe.registerAutocompleter(completer(data), false);
    Yasqe.defaults.autocompleters = ["variables", "oihkg"];
    Yasqe.defaults.prefixCcApi = null;
    // the share button gives a link to this editor with the tab's current query (YASGUI's own puts it after "#")
    Yasgui.Tab.prototype.getShareableLink = function () { return endpoint + "?query=" + encodeURIComponent(this.getQuery()); };
    var note = document.getElementById("editor-note"), yasgui;
    // each tab's results area takes its error renderers from YASR's defaults (after YASGUI's own for CORS)
    Yasgui.Yasr.defaults.errorRenderers = [function (err) { return renderError(err, yasgui); }];
    yasgui = new Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      populateFromUrl: false,
      persistenceId: "oihkg-editor",
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      yasqe: { value: STARTER, resizeable: true, editorHeight: "260px", collapsePrefixesOnLoad: true },
      yasr: { prefixes: data.prefixes, defaultPlugin: "table", pluginOrder: ["table", "response"] },
    });
    window.oihkgEditor = yasgui;
    // before a query leaves, the well-known prefixes it uses without declaring them are declared in the editor itself
    // (the endpoint stays standard: it reads only what the query declares), and the note says which
    yasgui.on("queryBefore", function (instance, tab) {
      var add = {}, names = [];
      undeclaredPrefixes(tab.getYasqe().getValue()).forEach(function (p) {
        if (data.prefixes[p]) { add[p] = data.prefixes[p]; names.push(p + ":"); }
      });
      if (!names.length) {
        if (tab.getQuery() !== STARTER) note.textContent = "";  // what it said was about an earlier query
        return;
      }
      tab.getYasqe().addPrefixes(add);
      note.textContent = "Declared " + names.join(", ") + " for you: the PREFIX line" + (names.length > 1 ? "s are" : " is") +
        " now at the top of the query.";
    });

    var list = document.getElementById("example-list");
    data.examples.forEach(function (ex) {
      var li = document.createElement("li"), b = document.createElement("button"), d = document.createElement("span");
      b.type = "button";
      b.textContent = ex.name;
      b.dataset.query = ex.name;
      b.addEventListener("click", function () {
        var tab = yasgui.getTab();
        tab.setQuery(ex.text);
        tab.getYasqe().collapsePrefixes(true);  // the PREFIX block folds to one line; a click unfolds it
        tab.getYasqe().focus();
        note.textContent = "Loaded \u201c" + ex.name + "\u201d: run it with \u25b6 or Ctrl+Enter; UNDEF in its VALUES line is every value.";
      });
      d.className = "desc";
      d.textContent = ex.description;
      li.appendChild(b);
      li.appendChild(d);
      list.appendChild(li);
    });

    document.querySelectorAll("#downloads button").forEach(function (b) {
      b.addEventListener("click", function () { download(yasgui.getTab(), b.dataset.format, b.dataset.ext); });
    });

    // the query lives in the URL, so a link reopens (and reruns) it
    yasgui.on("query", function (instance, tab) {
      history.replaceState(null, "", location.pathname + "?query=" + encodeURIComponent(tab.getQuery()));
    });
    new MutationObserver(function () { linkResults(document.getElementById("yasgui"), data.prefixes); })
      .observe(document.getElementById("yasgui"), { childList: true, subtree: true });
    // a shared link opens its query in a tab of its own (the user's saved tabs stay as they were) and runs it; a
    // reload of the current tab's own link, or the starter, runs in place, so its answer is in view as the editor opens
    var shared = new URLSearchParams(location.search).get("query");
    var current = yasgui.getTab().getQuery();
    if (shared && shared !== current) {
      var tab = yasgui.addTab(true, { name: "shared query" });
      tab.setQuery(shared);
      tab.getYasqe().query();
    } else if (shared || current === STARTER) {
      yasgui.getTab().getYasqe().query();
    }
    document.body.dataset.ready = "1";
  }

  fetch("/sparql/completions", { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) throw new Error("completions: " + r.status); return r.json(); })
    .then(start)
    .catch(function (err) {
      document.getElementById("yasgui").textContent = "The editor could not start: " + err.message;
    });
})();
