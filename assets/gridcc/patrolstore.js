/* gridcc patrolstore: the phone's own shelf for reports not yet at the center (IndexedDB,
 * which keeps a photo as it is: a Blob). Each item is patrolqueue.js's report, by its id.
 * Without IndexedDB (a private window on some phones) the shelf is this page's memory, and
 * says so (``lasting`` false): a reload would lose what is on it.
 */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};
  var DB = "gridcc-patrol";
  var STORE = "reports";

  function promised(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function memoryShelf() {
    var held = {};
    return {
      lasting: false,
      all: function () { return Promise.resolve(Object.keys(held).map(function (k) { return held[k]; })); },
      put: function (item) { held[item.id] = item; return Promise.resolve(item); },
      remove: function (id) { delete held[id]; return Promise.resolve(); }
    };
  }

  function open() {
    if (!root.indexedDB) return Promise.resolve(memoryShelf());
    return new Promise(function (resolve) {
      var req;
      try { req = root.indexedDB.open(DB, 1); } catch (e) { resolve(memoryShelf()); return; }
      req.onupgradeneeded = function () {
        if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: "id" });
      };
      req.onerror = function () { resolve(memoryShelf()); };
      req.onsuccess = function () {
        var db = req.result;
        function tx(mode) { return db.transaction(STORE, mode).objectStore(STORE); }
        resolve({
          lasting: true,
          all: function () { return promised(tx("readonly").getAll()); },
          put: function (item) { return promised(tx("readwrite").put(item)).then(function () { return item; }); },
          remove: function (id) { return promised(tx("readwrite").delete(id)); }
        });
      };
    });
  }

  G.patrolstore = { open: open, memoryShelf: memoryShelf };
})(typeof window !== "undefined" ? window : this);
