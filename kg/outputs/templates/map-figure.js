/* oihkg mechanism map, figures: the map as it is shown (filters, highlight, context, chosen path), drawn as SVG with
   its title and legend, and as a PNG rasterised from that SVG at print resolution (at least twice the screen's).
   Built from vis.js's own geometry (positions, node sizes, edge curves), nothing fetched. Registers in
   window.oihParts; map.js calls it with the page's API. */
(function () {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";
  const esc = (t) => String(t).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const colourOf = (c, key) => (typeof c === "string" ? c : (c && c[key]) || "#999");

  (window.oihParts = window.oihParts || []).push((page) => {
    const { D, meta, network, el } = page;
    const FONT = D.options.nodes.font.size;

    function polygon(shape, x, y, r) {
      const pts = [];
      const star = shape === "star", n = { diamond: 4, triangle: 3, triangleDown: 3, hexagon: 6, star: 10 }[shape];
      const turn = { diamond: 0, triangle: -Math.PI / 2, triangleDown: Math.PI / 2, hexagon: 0, star: -Math.PI / 2 }[shape];
      for (let i = 0; i < n; i++) {
        const a = turn + (2 * Math.PI * i) / n, rr = star && i % 2 ? r * 0.45 : r;
        pts.push(`${(x + rr * Math.cos(a)).toFixed(1)},${(y + rr * Math.sin(a)).toFixed(1)}`);
      }
      return pts.join(" ");
    }
    function nodeSvg(id, p) {
      const n = network.body.nodes[id], o = n.options, shape = o.shape, size = o.size || 14;
      const fill = colourOf(o.color, "background"), stroke = colourOf(o.color, "border"), bw = o.borderWidth || 1;
      const style = `fill="${esc(fill)}" stroke="${esc(stroke)}" stroke-width="${bw}" opacity="${o.opacity ?? 1}"`;
      const lines = String(o.label || "").split("\n");
      const inside = ["ellipse", "box", "circle", "database", "text"].includes(shape);
      let body;
      if (shape === "ellipse") body = `<ellipse cx="${p.x}" cy="${p.y}" rx="${n.shape.width / 2}" ry="${n.shape.height / 2}" ${style}/>`;
      else if (inside) body = `<rect x="${p.x - n.shape.width / 2}" y="${p.y - n.shape.height / 2}" width="${n.shape.width}" height="${n.shape.height}" rx="6" ${style}/>`;
      else if (shape === "dot") body = `<circle cx="${p.x}" cy="${p.y}" r="${size}" ${style}/>`;
      else if (shape === "square") body = `<rect x="${p.x - size}" y="${p.y - size}" width="${2 * size}" height="${2 * size}" ${style}/>`;
      else body = `<polygon points="${polygon(shape, p.x, p.y, size * 1.15)}" ${style}/>`;
      const lh = FONT * 1.15, y0 = inside ? p.y - ((lines.length - 1) * lh) / 2 + FONT * 0.35 : p.y + size + FONT;
      const text = lines.map((t, i) => `<tspan x="${p.x}" y="${(y0 + i * lh).toFixed(1)}">${esc(t)}</tspan>`).join("");
      return `${body}<text text-anchor="middle" font-size="${FONT}" opacity="${o.opacity ?? 1}" class="label">${text}</text>`;
    }
    function inBox(node, pt) {
      const w = node.shape.width || 2 * (node.options.size || 14), h = node.shape.height || 2 * (node.options.size || 14);
      return Math.abs(pt.x - node.x) <= w / 2 + 2 && Math.abs(pt.y - node.y) <= h / 2 + 2;
    }
    function edgeSvg(e, markers) {
      const o = e.options, to = network.body.nodes[e.toId], from = network.body.nodes[e.fromId];
      const pts = [];
      for (let i = 0; i <= 24; i++) pts.push(e.edgeType.getPoint(i / 24));
      while (pts.length > 2 && inBox(to, pts[pts.length - 2])) pts.pop();  // stop at the target's border
      while (pts.length > 2 && inBox(from, pts[1])) pts.shift();
      const c = colourOf(o.color, "color"), kind = o.arrows && o.arrows.to && o.arrows.to.type === "bar" ? "bar" : "arrow";
      const id = `${kind}-${c.replace(/[^0-9a-z]/gi, "")}`;
      markers.set(id, [kind, c]);
      const dash = o.dashes ? ' stroke-dasharray="6 4"' : "";
      return `<polyline points="${pts.map((q) => `${q.x.toFixed(1)},${q.y.toFixed(1)}`).join(" ")}" fill="none" stroke="${esc(c)}" ` +
        `stroke-width="${o.width || 1.4}"${dash} opacity="${(o.color && o.color.opacity) ?? 1}" marker-end="url(#${id})"/>`;
    }
    function legendSvg(x, y, width) {
      const out = [], sc = meta.signColours;
      let cx = x, cy = y;
      const put = (w, svg) => { if (cx + w > x + width) { cx = x; cy += 34; } out.push(svg(cx, cy)); cx += w; };
      const present = new Set(D.nodes.map((n) => n.category));
      for (const [cat, c] of Object.entries(meta.categories)) {
        if (!present.has(cat)) continue;
        const shape = c.shape;
        put(40 + c.label.length * 12, (a, b) => (shape === "ellipse" || shape === "box" || shape === "dot" || shape === "square"
          ? `<rect x="${a}" y="${b - 7}" width="16" height="14" rx="${shape === "dot" || shape === "ellipse" ? 7 : 2}" fill="${esc(c.color)}"/>`
          : `<polygon points="${polygon(shape, a + 8, b, 9)}" fill="${esc(c.color)}"/>`) + `<text x="${a + 22}" y="${b + 7}" font-size="20">${esc(c.label)}</text>`);
      }
      cx = x; cy += 34;
      for (const [colour, kind, dash, name] of [[sc["+"], "arrow", "", "+ increases (arrow)"], [sc["-"], "bar", "", "− decreases (bar)"],
        [sc.none, "arrow", "", "unsigned"], [sc["+"], "arrow", ' stroke-dasharray="6 4"', "inferred by the reasoner"]]) {
        put(70 + name.length * 12, (a, b) => `<line x1="${a}" y1="${b}" x2="${a + 34}" y2="${b}" stroke="${esc(colour)}" stroke-width="2"${dash} ` +
          `marker-end="url(#${kind}-${colour.replace(/[^0-9a-z]/gi, "")})"/><text x="${a + 44}" y="${b + 7}" font-size="20">${esc(name)}</text>`);
      }
      return { svg: out.join(""), bottom: cy + 24 };
    }
    function svgText() {
      const pos = network.getPositions(), ids = Object.keys(pos);
      const markers = new Map(Object.values(meta.signColours).flatMap((c) => [[`arrow-${c.replace(/[^0-9a-z]/gi, "")}`, ["arrow", c]],
        [`bar-${c.replace(/[^0-9a-z]/gi, "")}`, ["bar", c]]]));
      let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
      for (const id of ids) {
        const b = network.getBoundingBox(id);
        left = Math.min(left, b.left); top = Math.min(top, b.top); right = Math.max(right, b.right); bottom = Math.max(bottom, b.bottom);
      }
      const areas = page.areasShown();
      for (const a of areas) { left = Math.min(left, a.x); top = Math.min(top, a.y); right = Math.max(right, a.x + a.w); bottom = Math.max(bottom, a.y + a.h); }
      left -= 30; right += 30; top -= 70; bottom += 20;
      const parts = [];
      for (const a of areas) {
        parts.push(`<rect x="${a.x}" y="${a.y}" width="${a.w}" height="${a.h}" rx="14" fill="${page.areaColour.get(a.id)}" fill-opacity=".18" ` +
          `stroke="${page.areaColour.get(a.id)}" stroke-width="2"/><text x="${a.x + 12}" y="${a.y + 26}" font-size="20" font-weight="bold">${esc(a.label)}</text>`);
      }
      for (const e of Object.values(network.body.edges)) {
        if (!e.options.hidden && e.connected && pos[e.fromId] && pos[e.toId]) parts.push(edgeSvg(e, markers));
      }
      for (const id of ids) parts.push(nodeSvg(id, pos[id]));
      const legend = legendSvg(left + 20, bottom + 24, right - left - 40);
      const title = document.title + (page.state.context ? ` — in ${meta.contexts.labels[page.state.context]}` : "");
      const defs = [...markers].map(([id, [kind, c]]) => kind === "bar"
        ? `<marker id="${id}" viewBox="0 0 4 12" refX="2" refY="6" markerWidth="4" markerHeight="12" orient="auto" markerUnits="userSpaceOnUse"><rect width="4" height="12" fill="${esc(c)}"/></marker>`
        : `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z" fill="${esc(c)}"/></marker>`).join("");
      const h = legend.bottom - top + 10, w = right - left;
      return `<svg xmlns="${NS}" viewBox="${left} ${top} ${w} ${h}" width="${Math.round(w)}" height="${Math.round(h)}" font-family="sans-serif">` +
        `<title>${esc(title)}</title><defs>${defs}</defs><style>.label{paint-order:stroke;stroke:#fff;stroke-width:3px;fill:#222}</style>` +
        `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="#fff"/>` +
        `<text x="${left + 20}" y="${top + 40}" font-size="34" font-weight="bold">${esc(title)}</text>${parts.join("")}` +
        `<line x1="${left}" x2="${right}" y1="${bottom + 4}" y2="${bottom + 4}" stroke="#ddd"/>${legend.svg}</svg>`;
    }
    // the PNG: the SVG rasterised at least twice as large as the map's canvas on screen
    function pngBlob() {
      const svg = svgText(), img = new Image();
      const w = +svg.match(/width="(\d+)"/)[1], h = +svg.match(/height="(\d+)"/)[1];
      const screen = page.container.clientWidth * (window.devicePixelRatio || 1);
      const k = Math.min(Math.max(2 * screen / w, 2), 12000 / Math.max(w, h));
      return new Promise((resolve, reject) => {
        img.onload = () => {
          const c = document.createElement("canvas");
          c.width = Math.round(w * k); c.height = Math.round(h * k);
          c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
          c.toBlob((b) => resolve({ blob: b, width: c.width, height: c.height }), "image/png");
        };
        img.onerror = reject;
        img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      });
    }
    function download(blob, name) {
      const a = el("a", { href: URL.createObjectURL(blob), download: name });
      document.body.append(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    }
    document.getElementById("export-svg").addEventListener("click", () =>
      download(new Blob([svgText()], { type: "image/svg+xml" }), "oihkg-map.svg"));
    document.getElementById("export-png").addEventListener("click", () => pngBlob().then((r) => download(r.blob, "oihkg-map.png")));

    return {
      ready(api) {
        Object.assign(api, { svgText, pngSize: () => pngBlob().then((r) => ({ width: r.width, height: r.height })) });
      },
    };
  });
})();
