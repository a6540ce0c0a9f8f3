/* gridcc dom: building the desks' elements. Text from the server is only ever a text node
 * or textContent (never parsed as HTML), so markup in a description shows as text. */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};

  // h("div", {className: "row", text: "…", dataset: {id: 3}, attrs: {role: "button"},
  //   onclick: fn}, [child, "text", null]) → the element
  function h(tag, props, children) {
    var node = root.document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value === undefined || value === null) return;
      if (key === "text") node.textContent = String(value);
      else if (key === "dataset") Object.keys(value).forEach(function (k) { node.dataset[k] = String(value[k]); });
      else if (key === "attrs") Object.keys(value).forEach(function (k) { node.setAttribute(k, String(value[k])); });
      else if (key === "style") Object.keys(value).forEach(function (k) { node.style.setProperty(k, value[k]); });
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node[key] = value;
    });
    append(node, children);
    return node;
  }

  function append(node, children) {
    (Array.isArray(children) ? children : [children]).forEach(function (child) {
      if (child === undefined || child === null || child === false) return;
      node.appendChild(typeof child === "object" ? child : root.document.createTextNode(String(child)));
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  G.dom = { h: h, append: append, clear: clear };
})(typeof window !== "undefined" ? window : this);
