/* gridcc qxy photo: a photo taken on 泉心愿's pages, shrunk on the device before it is sent
 * (a phone's 12-megapixel photo would not fit the 1 MB body), as a data: URL the JSON body
 * carries. One copy for every area (wishes, calls, problems); loaded by the pages' frame.
 *
 * fitted() is pure and tested with node (tests/js/qxyphoto.test.js).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(root);
  else { root.gridcc = root.gridcc || {}; root.gridcc.qxyphoto = factory(root); }
})(typeof self !== "undefined" ? self : this, function (root) {
  "use strict";

  // The size to draw a width × height image at so its longer side is at most maxSide.
  function fitted(width, height, maxSide) {
    var scale = Math.min(1, maxSide / Math.max(width, height));
    return { width: Math.round(width * scale), height: Math.round(height * scale), scale: scale };
  }

  function asDataUrl(blob) {
    return new Promise(function (resolve, reject) {
      var reader = new root.FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(blob);
    });
  }

  // The file as a JPEG data: URL at most maxSide on its longer side (the file itself when
  // the browser cannot decode it: the server then says what is wrong with it).
  function shrink(file, maxSide, quality) {
    if (!root.createImageBitmap) return asDataUrl(file);
    return root.createImageBitmap(file).then(function (bmp) {
      var size = fitted(bmp.width, bmp.height, maxSide);
      var canvas = root.document.createElement("canvas");
      canvas.width = size.width;
      canvas.height = size.height;
      canvas.getContext("2d").drawImage(bmp, 0, 0, size.width, size.height);
      return canvas.toDataURL("image/jpeg", quality);
    }, function () { return asDataUrl(file); });
  }

  return { fitted: fitted, shrink: shrink };
});
