// formwork.js: formwork's script for htmx pages, for htmx 2 and htmx 4
// alike (their event names and details differ).
//
// - While a form's request is in flight, its submit buttons are disabled
//   and marked aria-busy. The form's hx-sync drops a second submit either
//   way; this makes the state visible and spoken.
// - After an action succeeds, the server sends the whole page and asks
//   htmx to morph it into the body (HX-Reswap), so that nothing on the
//   page is stale. Around that morph, what the user is typing in other
//   forms, and the focus and caret, survive; the form that was sent is
//   reset to what the server rendered, but for what was typed in it while
//   its request was in flight.
// - An action's answer clears the messages that other forms still show
//   from the last one.
// - When an answer puts words in the page's message slot, because the form
//   that was sent is gone, the slot is scrolled into the window, and takes
//   the focus if the element that had it is gone.
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var on = function (names, fn) { names.forEach(function (n) { document.addEventListener(n, fn); }); };

  var focused = null; // where focus was when the last request started
  var kept = null;    // what a morph under way must keep

  // The event's request: its form, whether it is an action's (a POST), and
  // its answer's status and HX-Reswap, in htmx 2's detail or htmx 4's.
  function sourceForm(event) {
    var d = event.detail || {};
    var elt = (d.requestConfig && d.requestConfig.elt) || (d.ctx && d.ctx.sourceElement);
    return elt && elt.closest ? elt.closest("form") : null;
  }
  function isAction(event) {
    var d = event.detail || {};
    var verb = (d.requestConfig && d.requestConfig.verb) || (d.ctx && d.ctx.request && d.ctx.request.method) || "";
    return verb.toUpperCase() === "POST";
  }
  function ok(event) {
    var d = event.detail || {};
    var status = d.xhr ? d.xhr.status : (d.ctx && d.ctx.response ? d.ctx.response.status : 0);
    return status >= 200 && status < 300;
  }
  function reswap(event) {
    var d = event.detail || {};
    if (d.xhr) return d.xhr.getResponseHeader("HX-Reswap") || "";
    if (d.ctx && d.ctx.response && d.ctx.response.headers) return d.ctx.response.headers.get("HX-Reswap") || "";
    return "";
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

  // The value of a control, as one string: what a snapshot keeps.
  function valueOf(el) {
    switch (el.type) {
      case "checkbox": case "radio": return String(el.checked);
      case "select-one": case "select-multiple":
        return Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; }).join("\n");
    }
    return el.value;
  }
  function setValue(el, v) {
    switch (el.type) {
      case "checkbox": case "radio": el.checked = v === "true"; return;
      case "select-one": case "select-multiple":
        var vs = v.split("\n");
        each(el.options, function (o) { o.selected = vs.indexOf(o.value) >= 0; });
        return;
    }
    el.value = v;
  }
  function typed(el) {
    return el.name && ["hidden", "file", "submit", "button", "reset", "image"].indexOf(el.type) < 0;
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
    }
    return el.value !== el.defaultValue;
  }

  // key is a control's place as a string, its caret left out.
  function key(p) { return [p.id, p.form, p.name, p.type, p.nth].join("\u0000"); }

  // sentValues records a form's values as its request leaves.
  function sentValues(form) {
    var vs = {};
    each(form.elements, function (el) {
      if (typed(el)) vs[key(place(el))] = valueOf(el);
    });
    return vs;
  }

  // snapshot records what a morph must keep: the controls the user
  // changed in other forms, and in the sent form those changed since it
  // was sent; after a failure, every change.
  function snapshot(sent, succeeded) {
    var fields = [];
    each(document.forms, function (form) {
      if (!form.id) return;
      var since = succeeded && form === sent ? (form.fwSent || {}) : null;
      each(form.elements, function (el) {
        if (!typed(el)) return;
        var p = place(el);
        var changed = since ? (key(p) in since && since[key(p)] !== valueOf(el)) : dirty(el);
        if (!changed) return;
        p.value = valueOf(el);
        fields.push(p);
      });
    });
    return {sent: succeeded && sent ? sent.id : "", fields: fields, focus: place(document.activeElement) || focused};
  }

  function restore(k) {
    var sent = k.sent && document.getElementById(k.sent);
    if (sent) sent.reset();
    k.fields.forEach(function (p) {
      var el = find(p);
      if (el) setValue(el, p.value);
    });
    // Focus goes back where it was, unless the new page put it elsewhere;
    // the caret too, which a restored value moves to the end. When that
    // element is gone (the row it archived), the message slot takes it.
    var el = find(k.focus), active = document.activeElement;
    if (active && active !== document.body && active.isConnected && active !== el) return;
    if (!el) {
      focusNotice();
      return;
    }
    if (active !== el) el.focus({preventScroll: true});
    if (k.focus.start != null && el.setSelectionRange) {
      try { el.setSelectionRange(k.focus.start, k.focus.end); } catch (e) { /* not a text field */ }
    }
  }

  function notice() {
    var n = document.getElementById("fw-notice");
    return n && n.textContent.trim() ? n : null;
  }
  function focusNotice() {
    var n = notice();
    if (!n) return;
    n.setAttribute("tabindex", "-1");
    n.focus({preventScroll: true});
  }

  // clearMessages removes what other forms say of the last action: the
  // answer to this one is the page's news now.
  function clearMessages(sent) {
    each(document.querySelectorAll("form .fw-message, form .fw-form-error"), function (m) {
      if (m.closest("form") !== sent) m.remove();
    });
  }

  // noticeInView scrolls the message slot into the window when an
  // action's answer put words in it and the user is looking elsewhere, at
  // the row they acted on; and gives it the focus if no element has it.
  function noticeInView(event) {
    if (!isAction(event)) return; // a GET (a poll, a fragment) leaves the page where it is
    var n = notice();
    if (!n) return;
    var r = n.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) n.scrollIntoView({block: "nearest"});
    var active = document.activeElement;
    if (!active || active === document.body || !active.isConnected) focusNotice();
  }

  function busy(on) {
    return function (event) {
      var form = event.target && event.target.closest ? event.target.closest("form.fw-form") : null;
      if (!form) return;
      if (on) {
        focused = place(document.activeElement);
        form.fwSent = sentValues(form);
      }
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = on;
        if (on) button.setAttribute("aria-busy", "true");
        else button.removeAttribute("aria-busy");
      });
    };
  }

  on(["htmx:beforeRequest", "htmx:before:request"], busy(true));
  on(["htmx:afterRequest", "htmx:finally:request"], busy(false));
  on(["htmx:afterRequest", "htmx:finally:request"], noticeInView);
  on(["htmx:beforeSwap", "htmx:before:swap"], function (event) {
    if (isAction(event)) clearMessages(sourceForm(event));
    kept = /morph/i.test(reswap(event)) ? snapshot(sourceForm(event), ok(event)) : null;
  });
  on(["htmx:afterSwap", "htmx:after:swap"], function () {
    if (!kept) return;
    var k = kept;
    kept = null; // htmx 2 tells each swapped element: restore once
    restore(k);
  });
})();
