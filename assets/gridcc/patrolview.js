/* gridcc patrolview: the patrol page's small helpers — its words filled in, times and
 * distances as a phone shows them, elements built from text (never parsed as HTML), and a
 * photo made smaller on the phone before it travels (a weak link carries 200 kB, not 5 MB).
 * The pure parts are tested with node (tests/js/patrolview.test.js).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(null);
  else { root.gridcc = root.gridcc || {}; root.gridcc.patrolview = factory(root); }
})(typeof self !== "undefined" ? self : this, function (win) {
  "use strict";

  // words["patrol_cells"] = "已巡 {n} 个网格" + {n: 3} → "已巡 3 个网格" (a missing word: its key)
  function fill(words, key, vars) {
    return String(words[key] || key).replace(/\{(\w+)\}/g, function (_m, k) {
      return vars && k in vars ? vars[k] : "";
    });
  }

  // "/api/cases/{id}/actions/{name}" + {id: 3, name: "confirm"}, each value escaped
  function address(template, vars) {
    return template.replace(/\{(\w+)\}/g, function (_m, k) { return encodeURIComponent(vars[k]); });
  }

  // "2026-11-30T15:57:03+08:00" (the server's local time) → "11-30 15:57"
  function when(iso) {
    return iso ? String(iso).slice(5, 16).replace("T", " ") : "";
  }

  function metres(words, m) {
    if (m === null || m === undefined) return "";
    return m < 1000 ? fill(words, "patrol_distance", { m: Math.round(m) })
      : fill(words, "patrol_distance_km", { km: (m / 1000).toFixed(1) });
  }

  // The server's words for a refusal, in the page's language where it gave them.
  function errText(lang, err) {
    return lang === "zh" && err.message_zh ? err.message_zh : (err.message || err.error || "?");
  }

  // The size a photo is sent at: its longest side at most maxSide, never enlarged.
  function fitted(width, height, maxSide) {
    var scale = Math.min(1, maxSide / Math.max(width, height));
    return { width: Math.round(width * scale), height: Math.round(height * scale), scale: scale };
  }

  function h(tag, props, kids) {
    var doc = win.document;
    var el = doc.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      var v = props[k];
      if (v === null || v === undefined) return;
      if (k === "text") el.textContent = String(v);
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else if (k === "className") el.className = v;
      else el.setAttribute(k, String(v));
    });
    (kids || []).forEach(function (c) { if (c) el.appendChild(typeof c === "string" ? doc.createTextNode(c) : c); });
    return el;
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

  // A JPEG of the photo at most maxSide pixels on its longest side (a small JPEG or PNG
  // is sent as it is; without createImageBitmap, the photo as taken).
  function shrink(file, maxSide, quality) {
    if (!win.createImageBitmap) return Promise.resolve(file);
    return win.createImageBitmap(file).then(function (bmp) {
      var size = fitted(bmp.width, bmp.height, maxSide);
      if (size.scale === 1 && file.size < 1024 * 1024 && /jpeg|png/.test(file.type)) return file;
      var canvas = win.document.createElement("canvas");
      canvas.width = size.width;
      canvas.height = size.height;
      canvas.getContext("2d").drawImage(bmp, 0, 0, size.width, size.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (b) { resolve(b || file); }, "image/jpeg", quality);
      });
    }, function () { return file; });
  }

  return {
    fill: fill, address: address, when: when, metres: metres, errText: errText,
    fitted: fitted, h: h, clear: clear, shrink: shrink
  };
});
