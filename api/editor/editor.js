// The oihkg SPARQL editor: YASGUI (installed from npm at setup, served by this API) configured to
// talk to this server only, with completions, examples and prefixes read from /sparql/completions.
(function () {
  "use strict";

  var endpoint = location.origin + "/sparql";
  var byIri = new Map(); // IRI -> CURIE, for linking results to /entities/{id}
  var display = new Map(); // suggested text -> what the hint list shows

  function prefixLines(prefixes) {
    return Object.keys(prefixes).sort().map(function (p) {
      return "PREFIX " + p + ": <" + prefixes[p] + ">";
    }).join("\n");
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

  function completer(data) {
    var entities = data.entities, terms = data.schema.concat(data.entities);
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
      entities.forEach(function (e) {
        var rank = null;
        [e.label].concat(e.synonyms || []).forEach(function (n) {
          var at = n.toLowerCase().indexOf(needle);
          if (at >= 0) rank = Math.min(rank === null ? 9 : rank, at === 0 ? (n.length === needle.length ? 0 : 1) : 2);
        });
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

  // results: an entity of the graph links to its page here; any other IRI is shortened and keeps its own link
  function linkResults(root, prefixes) {
    root.querySelectorAll(".yasr a[href]").forEach(function (a) {
      if (a.dataset.oih) return;
      var href = a.getAttribute("href"), curie = curieOf(href, prefixes);
      a.dataset.oih = "1";
      if (!curie) return;
      a.textContent = curie;
      a.title = href;
      if (byIri.has(href)) {
        a.setAttribute("href", "/entities/" + encodeURIComponent(curie));
        a.removeAttribute("target");
      }
    });
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
    var starter = prefixLines(data.prefixes) +
      "\n\nSELECT ?entity ?label WHERE {\n  ?entity rdfs:label ?label .\n}\nORDER BY ?label\nLIMIT 25\n";
    var yasgui = new Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      populateFromUrl: false,
      persistenceId: "oihkg-editor",
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      yasqe: { value: starter, resizeable: true, editorHeight: "340px" },
      yasr: { prefixes: data.prefixes, defaultPlugin: "table", pluginOrder: ["table", "response"] },
    });
    window.oihkgEditor = yasgui;

    var list = document.getElementById("example-list");
    data.examples.forEach(function (ex) {
      var li = document.createElement("li"), b = document.createElement("button"), d = document.createElement("span");
      b.type = "button";
      b.textContent = ex.name;
      b.dataset.query = ex.name;
      b.addEventListener("click", function () {
        var tab = yasgui.getTab();
        tab.setQuery(ex.text);
        tab.getYasqe().focus();
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
    // a shared link opens its query in a tab of its own (the user's saved tabs stay as they were) and runs it
    var shared = new URLSearchParams(location.search).get("query");
    if (shared) {
      var tab = yasgui.addTab(true, { name: "shared query" });
      tab.setQuery(shared);
      tab.getYasqe().query();
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
