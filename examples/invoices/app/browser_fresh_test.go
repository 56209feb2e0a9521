package app_test

import (
	"strings"
	"sync"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// pageState is a script that reads what a document shows: its text, and
// the value of every control a user can change, leaving out what is
// transient (the message slot, a form's own success message) and the
// hidden fields, whose tokens are new on every render.
const pageState = `function pageState(doc) {
	const skip = "#fw-notice, .fw-message, script, template, [hidden]";
	const text = [];
	const walk = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		if (n.parentElement.closest(skip)) continue;
		const t = n.nodeValue.replace(/\s+/g, " ").trim();
		if (t) text.push(t);
	}
	const controls = [];
	doc.body.querySelectorAll("input, textarea, select").forEach(c => {
		if (c.type === "hidden" || c.closest(skip)) return;
		controls.push(c.name + "=" + ((c.type === "checkbox" || c.type === "radio") ? c.checked : c.value));
	});
	return {text: text.join(" | "), controls: controls.join(" | "), title: doc.title};
}`

// readsFresh checks that the page reads as a fresh GET of its URL would
// show it: after an htmx action, nothing on it is stale. Focus and the
// transient messages are left out.
// Without JavaScript every page after an action is a fresh GET already.
func (b *browser) readsFresh(after string) {
	b.t.Helper()
	if !b.htmx() {
		return
	}
	var diff string
	b.run(chromedp.Evaluate(`(async () => {
		`+pageState+`
		const now = pageState(document);
		const html = await (await fetch(location.href, {credentials: "same-origin"})).text();
		const fresh = pageState(new DOMParser().parseFromString(html, "text/html"));
		for (const k of ["title", "text", "controls"]) {
			if (now[k] === fresh[k]) continue;
			let i = 0;
			while (now[k][i] === fresh[k][i]) i++;
			const from = Math.max(0, i - 60);
			return k + " differs at " + i + ":\n  page:  ..." + now[k].slice(from, i + 80) + "\n  fresh: ..." + fresh[k].slice(from, i + 80);
		}
		return "";
	})()`, &diff, await))
	if diff != "" {
		b.fail("after %s the page is stale: %s", after, diff)
	}
}

// keepsTyping checks that a morph after an action leaves alone what the
// user is typing in another form, and the focus and caret there: it types
// into the other form's field, leaves the caret in it, and submits sent
// with requestSubmit, as a keyboard shortcut would. It waits for what
// shows, which must come from the morph.
func (b *browser) keepsTyping(sent, other, field, shows string) {
	b.t.Helper()
	sel := other + ` [name="` + field + `"]`
	b.eval(`(() => {
		const f = document.querySelector(`+jsString(sel)+`);
		f.value = "half a thought";
		f.focus();
		f.setSelectionRange(4, 4);
		const form = document.querySelector(`+jsString(sent)+`);
		form.noValidate = true;
		form.requestSubmit();
		return true;
	})()`, new(bool))
	b.waitJS(`document.body.innerText.includes(`+jsString(shows)+`)`, "the morph after "+sent)
	b.ready()
	var got struct {
		Value   string `json:"value"`
		Focused bool   `json:"focused"`
		Caret   int    `json:"caret"`
	}
	b.eval(`(() => {
		const f = document.querySelector(`+jsString(sel)+`);
		return {value: f.value, focused: document.activeElement === f, caret: f.selectionStart};
	})()`, &got)
	if got.Value != "half a thought" || !got.Focused || got.Caret != 4 {
		b.fail("a morph lost what was typed in %s: value %q, focused %v, caret %d", other, got.Value, got.Focused, got.Caret)
	}
	b.fill(other, map[string]string{field: ""})
}

// cspViolations records every Content-Security-Policy violation the tab
// reports, in its console or its security log, until the function it
// returns is called, which fails the test on any.
func (b *browser) cspViolations() func() {
	var mu sync.Mutex
	var seen []string
	note := func(text string) {
		if strings.Contains(text, "Content Security Policy") || strings.Contains(text, "Content-Security-Policy") {
			mu.Lock()
			seen = append(seen, text)
			mu.Unlock()
		}
	}
	chromedp.ListenTarget(b.ctx, func(ev any) {
		switch e := ev.(type) {
		case *cdplog.EventEntryAdded:
			note(e.Entry.Text)
		case *runtime.EventConsoleAPICalled:
			for _, a := range e.Args {
				note(string(a.Value))
			}
		case *runtime.EventExceptionThrown:
			note(e.ExceptionDetails.Error())
		}
	})
	b.run(cdplog.Enable(), runtime.Enable())
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if len(seen) > 0 {
			b.t.Errorf("%d Content-Security-Policy violation(s), the first: %s", len(seen), seen[0])
		}
	}
}
