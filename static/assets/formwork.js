// formwork.js: formwork's script for htmx pages, for htmx 2 and htmx 4
// alike (their event names differ).
//
// - While a form's request is in flight, its submit buttons are disabled
//   and marked aria-busy. The form's hx-sync drops a second submit either
//   way; this makes the state visible and spoken.
// - After an action succeeds, the server sends the whole page and asks
//   htmx to morph it into the body (HX-Reswap), so that nothing on the
//   page is stale. Around that morph, the values the user is typing in
//   other forms and the focus survive, and the form that was sent is reset
//   to what the server rendered.
// - When an answer puts words in the page's message slot, because the form
//   that was sent is gone, the slot is scrolled into the window.
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var on = function (names, fn) { names.forEach(function (n) { document.addEventListener(n, fn); }); };

  var focused = null; // where focus was when the last request started
  var kept = null;    // what a morph under way must keep

  function sourceForm(event) {
    var d = event.detail || {};
    var elt = (d.requestConfig && d.requestConfig.elt) || (d.ctx && d.ctx.sourceElement); // htmx 2, htmx 4
    return elt && elt.closest ? elt.closest("form") : null;
  }

  function busy(on) {
    return function (event) {
      var form = event.target && event.target.closest ? event.target.closest("form.fw-form") : null;
      if (!form) return;
      if (on) focused = place(document.activeElement);
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = on;
        if (on) button.setAttribute("aria-busy", "true");
        else button.removeAttribute("aria-busy");
      });
    };
  }

  // place names a control so that it can be found again after a morph:
  // by id, or by its form's id, its name and its rank among its namesakes.
  function place(el) {
    if (!el || el === document.body) return null;
    var p = {id: el.id, form: el.form ? el.form.id : "", name: el.name || "", type: el.type, nth: 0};
    if (el.form) {
      for (var i = 0; i < el.form.elements.length && el.form.elements[i] !== el; i++) {
        var c = el.form.elements[i];
        if (c.name === p.name && c.type === p.type) p.nth++;
      }
    }
    if ("selectionStart" in el) {
      try { p.start = el.selectionStart; p.end = el.selectionEnd; } catch (e) { /* not a text field */ }
    }
    return p;
  }

  function find(p) {
    if (!p) return null;
    if (p.id && document.getElementById(p.id)) return document.getElementById(p.id);
    var form = p.form && document.getElementById(p.form);
    if (!form) return null;
    var nth = 0;
    for (var i = 0; i < form.elements.length; i++) {
      var c = form.elements[i];
      if (c.name === p.name && c.type === p.type && nth++ === p.nth) return c;
    }
    return null;
  }

  // dirty reports whether the user changed a control from what the
  // server rendered.
  function dirty(el) {
    switch (el.type) {
      case "checkbox": case "radio":
        return el.checked !== el.defaultChecked;
      case "select-one":
        var first = -1;
        each(el.options, function (o, i) { if (first < 0 && o.defaultSelected) first = i; });
        return el.selectedIndex !== Math.max(first, 0);
      case "select-multiple":
        return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
      case "hidden": case "file": case "submit": case "button": case "reset": case "image":
        return false;
    }
    return "defaultValue" in el && el.value !== el.defaultValue;
  }

  function snapshot(sent) {
    var fields = [];
    each(document.forms, function (form) {
      if (form === sent || !form.id) return;
      each(form.elements, function (el) {
        if (!el.name || !dirty(el)) return;
        var p = place(el);
        p.value = el.value;
        p.checked = el.checked;
        if (el.options) p.selected = Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
        fields.push(p);
      });
    });
    return {sent: sent ? sent.id : "", fields: fields, focus: place(document.activeElement) || focused};
  }

  function restore(k) {
    var sent = k.sent && document.getElementById(k.sent);
    if (sent) sent.reset();
    k.fields.forEach(function (p) {
      var el = find(p);
      if (!el) return;
      if (p.type === "checkbox" || p.type === "radio") el.checked = p.checked;
      else if (p.selected) each(el.options, function (o) { o.selected = p.selected.indexOf(o.value) >= 0; });
      else el.value = p.value;
    });
    // Focus goes back where it was, unless the new page put it elsewhere;
    // the caret too, which a restored value moves to the end.
    var el = find(k.focus), active = document.activeElement;
    if (!el || !el.focus) return;
    if (active && active !== document.body && active.isConnected && active !== el) return;
    if (active !== el) el.focus({preventScroll: true});
    if (k.focus.start != null && el.setSelectionRange) {
      try { el.setSelectionRange(k.focus.start, k.focus.end); } catch (e) { /* not a text field */ }
    }
  }

  // ok reports whether the answer's status is a success (2xx).
  function ok(event) {
    var d = event.detail || {};
    var status = d.xhr ? d.xhr.status : (d.ctx && d.ctx.response ? d.ctx.response.status : 0);
    return status >= 200 && status < 300;
  }

  // action reports whether the request was an action's: a POST.
  function action(event) {
    var d = event.detail || {};
    var verb = (d.requestConfig && d.requestConfig.verb) || (d.ctx && d.ctx.request && d.ctx.request.method) || "";
    return verb.toUpperCase() === "POST";
  }

  function reswap(event) {
    var d = event.detail || {};
    if (d.xhr) return d.xhr.getResponseHeader("HX-Reswap") || "";
    if (d.ctx && d.ctx.response && d.ctx.response.headers) return d.ctx.response.headers.get("HX-Reswap") || "";
    return "";
  }

  // noticeInView scrolls the page's message slot into the window when an
  // action's answer put words in it (its form is gone from the page) and
  // the user is looking elsewhere, at the row they acted on.
  function noticeInView(event) {
    if (!action(event)) return; // a GET (a poll, a fragment) leaves the page where it is
    var n = document.getElementById("fw-notice");
    if (!n || !n.textContent.trim()) return;
    var r = n.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) n.scrollIntoView({block: "nearest"});
  }

  on(["htmx:beforeRequest", "htmx:before:request"], busy(true));
  on(["htmx:afterRequest", "htmx:finally:request"], busy(false));
  on(["htmx:afterRequest", "htmx:finally:request"], noticeInView);
  on(["htmx:beforeSwap", "htmx:before:swap"], function (event) {
    // After a failure (an older deploy's form) the sent form keeps what
    // was typed too; after a success it is reset.
    kept = /morph/i.test(reswap(event)) ? snapshot(ok(event) ? sourceForm(event) : null) : null;
  });
  on(["htmx:afterSwap", "htmx:after:swap"], function () {
    if (!kept) return;
    var k = kept;
    kept = null; // htmx 2 tells each swapped element: restore once
    restore(k);
  });
})();
