/* gridcc case photos: a section of the case view (its extraSections) — the case's photos
 * as the sheet lists them (the server gives them only to those who may see them), and, where
 * the sheet says one may attach (may_attach_photo), an upload: JPEG or PNG, sent as the
 * multipart field "photo" to POST /api/cases/<id>/photos. The server checks, resizes and
 * strips the file; its refusal (too large, not an image) is shown in its own words. A case
 * whose sheet offers 处置反馈 (handle) asks for the site photo beside it.
 */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};
  var TYPES = "image/jpeg,image/png";

  // sheet: the case's sheet; cfg: the page's (labels, photosUrl); onUploaded(): the case view
  // reads the case again (its new photo, the timeline).
  function section(sheet, cfg, onUploaded) {
    var h = G.dom.h, w = cfg.labels, photos = sheet.photos || [];
    var may = Boolean(sheet.may_attach_photo);
    if (!photos.length && !may) return null;
    var handling = (sheet.actions || []).some(function (a) { return a.name === "handle"; });
    var list = h("div", { className: "cp-list" }, photos.map(function (p) {
      return h("a", { className: "cp-photo", href: p.url, target: "_blank", rel: "noopener",
        title: (p.uploaded_by || "") + " " + (p.uploaded_at || "").replace("T", " ").slice(0, 16) }, [
        h("img", { src: p.url, alt: "#" + sheet.id, width: 96, height: 72 })
      ]);
    }));
    var out = h("section", { className: "cv-section cp" }, [
      h("h3", { text: w.photos_title + (photos.length ? " (" + photos.length + ")" : "") }),
      photos.length ? list : h("p", { className: "cp-none", text: w.photos_none })
    ]);
    if (may) out.appendChild(uploader(sheet, cfg, handling, onUploaded));
    return out;
  }

  function uploader(sheet, cfg, handling, onUploaded) {
    var h = G.dom.h, w = cfg.labels;
    var input = h("input", { type: "file", accept: TYPES, name: "photo", className: "cp-file" });
    var said = h("div", { className: "cp-said", attrs: { role: "status" } });
    var send = h("button", { type: "button", className: "cp-send", text: w.photo_upload, disabled: true });
    input.addEventListener("change", function () { send.disabled = !input.files.length; said.textContent = ""; });
    send.addEventListener("click", function () {
      var file = input.files[0];
      if (!file) return;
      var form = new root.FormData();
      form.append("photo", file);
      send.disabled = true;
      said.className = "cp-said";
      said.textContent = w.photo_sending;
      G.http.upload(cfg.photosUrl.replace("{id}", sheet.id), form).then(function () {
        said.textContent = w.photo_done;
        input.value = "";
        if (onUploaded) onUploaded();
      }, function (err) {
        said.className = "cp-said cp-error";
        said.textContent = G.caselist.fill(w.photo_refused, { message: G.casefmt.message(err, w) });
        send.disabled = false;
      });
    });
    return h("div", { className: "cp-upload" + (handling ? " cp-handling" : "") }, [
      handling ? h("p", { className: "cp-hint", text: w.photo_for_handle }) : null,
      h("label", { className: "cp-pick" }, [h("span", { text: w.photo_pick }), input]),
      send,
      said
    ]);
  }

  G.casephotos = { section: section };
})(typeof self !== "undefined" ? self : this);
