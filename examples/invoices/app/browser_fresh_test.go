package app_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/fetch"
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

// typesWhileSending checks that what the user types in a form while its
// request is in flight survives the morph after its success, which
// resets the rest of the form: the request is held in the browser while
// the notes field is typed into.
func (b *browser) typesWhileSending(form string) {
	b.t.Helper()
	release := b.holdNextPost()
	b.eval(`(() => { document.querySelector(`+jsString(form)+`).requestSubmit(); return true; })()`, new(bool))
	b.waitJS(`document.querySelector(`+jsString(form)+`).classList.contains("htmx-request")`, "the request to leave")
	b.eval(`(() => { document.querySelector(`+jsString(form+` [name="invoice.notes"]`)+`).value = "typed while sending"; return true; })()`, new(bool))
	release()
	b.waitJS(`!document.querySelector(".htmx-request") && document.body.innerText.includes("Invoice saved.")`, "the morph after the save")
	b.ready()
	if got := b.value(form + ` [name="invoice.notes"]`); got != "typed while sending" {
		b.fail("what was typed while the form was sent is %q", got)
	}
}

// holdNextPost holds the next POST the tab sends until the returned func
// is called.
func (b *browser) holdNextPost() (release func()) {
	b.t.Helper()
	ctx, cancel := context.WithCancel(b.ctx)
	held := make(chan fetch.RequestID, 1)
	chromedp.ListenTarget(ctx, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		if e.Request.Method == http.MethodPost {
			select {
			case held <- e.RequestID:
				return
			default:
			}
		}
		// Anything else goes on; actions must not run in the listener.
		go chromedp.Run(b.ctx, fetch.ContinueRequest(e.RequestID))
	})
	b.run(fetch.Enable())
	return func() {
		defer cancel()
		defer b.run(fetch.Disable())
		select {
		case id := <-held:
			b.run(fetch.ContinueRequest(id))
		case <-time.After(10 * time.Second):
			b.fail("no POST was held")
		}
	}
}

// messagesCleared checks that an action's answer clears what another form
// still says of the last action: a form's success message goes when
// another form's submit fails.
func (b *browser) messagesCleared(said, other, fails string) {
	b.t.Helper()
	if !strings.Contains(b.text("body"), said) {
		b.fail("%q is not shown to begin with", said)
	}
	b.submit(other, fails, inPlace)
	if strings.Contains(b.text("body"), said) {
		b.fail("%q still shows after the next action", said)
	}
}
