/* gridcc caseform: an action's form, as casefmt.actionForm specifies it: a field per
 * parameter (department and choice: a select; hours and case: a number), a reason where
 * the action needs one, a confirm and a cancel. Enter sends it (Shift+Enter: a new line in
 * the reason), Esc cancels. */
(function (root) {
  "use strict";

  var G = root.gridcc = root.gridcc || {};

  // handlers: {submit(), cancel()}
  function build(spec, version, words, handlers) {
    var h = G.dom.h, inputs = {}, reason = null;
    var fields = spec.fields.map(function (f) {
      var input;
      if (f.input === "select") {
        input = h("select", { name: f.name, required: f.required }, f.options.map(function (o) {
          return h("option", { value: o.value, text: o.label, selected: o.value === f.value });
        }));
      } else {
        input = h("input", { name: f.name, type: f.input === "number" || f.input === "date" ? f.input : "text",
          value: f.value, required: f.required,
          min: f.kind === "hours" ? "0.5" : (f.kind === "case" ? "1" : null),
          step: f.kind === "hours" ? "0.5" : (f.kind === "case" ? "1" : null) });
      }
      inputs[f.name] = input;
      return h("label", { className: "cv-field" }, [h("span", { text: f.label + (f.required ? " *" : "") }), input]);
    });
    if (spec.needsReason) {
      reason = h("textarea", { name: "reason", rows: 2, maxLength: 500, required: true });
      fields.push(h("label", { className: "cv-field cv-field-reason" }, [h("span", { text: words.cv_reason + " *" }), reason]));
    } else if (spec.takesNote) {  // optional: what was done (the event keeps it as its reason)
      reason = h("textarea", { name: "reason", rows: 2, maxLength: 500 });
      fields.push(h("label", { className: "cv-field cv-field-reason" }, [h("span", { text: words.cv_note }), reason]));
    }
    var error = h("div", { className: "cv-form-error", attrs: { role: "alert" } });
    var submit = h("button", { type: "submit", className: "cv-submit", text: words.cv_submit + " · " + spec.label });
    var cancel = h("button", { type: "button", className: "cv-cancel", text: words.cv_cancel,
      onclick: function () { handlers.cancel(); } });
    var node = h("form", {
      className: "cv-form", dataset: { action: spec.name }, noValidate: true,
      onsubmit: function (e) { e.preventDefault(); handlers.submit(); },
      onkeydown: function (e) {
        if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); handlers.cancel(); return; }
        if (e.key !== "Enter" || e.target.tagName === "BUTTON") return;
        if (e.target.tagName === "TEXTAREA" && e.shiftKey) return;
        e.preventDefault();
        e.stopPropagation();
        handlers.submit();
      }
    }, [h("div", { className: "cv-form-title", text: spec.label }), h("div", { className: "cv-form-fields" }, fields),
      error, h("div", { className: "cv-form-buttons" }, [submit, cancel])]);

    var form = {
      spec: spec, version: version, node: node, blocked: false,
      values: function () {
        var out = {};
        Object.keys(inputs).forEach(function (name) { out[name] = inputs[name].value; });
        return out;
      },
      reason: function () { return reason ? reason.value : ""; },
      error: function (text) { error.textContent = text || ""; },
      busy: function (on) {
        submit.disabled = Boolean(on) || form.blocked;
        submit.textContent = on && !form.blocked ? words.cv_sending : words.cv_submit + " · " + spec.label;
      },
      // the first thing left to fill in, else the confirm button
      focus: function () {
        var empty = spec.fields.filter(function (f) { return inputs[f.name].value === ""; })[0];
        var target = empty ? inputs[empty.name] : (reason || submit);
        root.setTimeout(function () { target.focus(); }, 0);
      }
    };
    return form;
  }

  G.caseform = { build: build };
})(typeof window !== "undefined" ? window : this);
