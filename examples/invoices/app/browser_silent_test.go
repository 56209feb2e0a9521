package app_test

import (
	"strings"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/formwork-dev/formwork/examples/invoices/app"
)

// The demo's forms, by a field only each has.
const (
	invoiceForm = `form:has([name="invoice.customer"])` // new invoice, and edit
	commentForm = `form:has([name="body"]):not(:has([name="title"]))`
	entryForm   = `form:has([name="title"])`
)

// neverSilent makes the demo answer each error status an action can give
// and checks that each one shows its words where the user is looking: in
// the form that was sent or, when that form is gone, in the page's message
// slot, and within the window. 422 and "sign in again" are part of the
// walk, and 500 is [browser.internalError].
func (b *browser) neverSilent() {
	b.lostUpdate()
	b.archivedElsewhere()
	b.sentTwice()
	b.olderDeploy()
	b.tampered()
	b.tooLarge()
	b.roleLost()
	b.tooManySignIns()
}

// lostUpdate: 409 for a save from a form that is out of date, merged.
// Another tab renames the customer and saves; this one then saves the
// form it showed, with a new note. The rename stays, and shows in the
// customer field this tab left alone, beside this tab's note; saving the
// merge keeps both.
func (b *browser) lostUpdate() {
	b.open("/invoices/2")
	customer := b.value(invoiceForm + ` [name="invoice.customer"]`)
	b.fill(invoiceForm, map[string]string{"invoice.customer": "Renamed Elsewhere"})
	b.postElsewhere(invoiceForm)
	b.fill(invoiceForm, map[string]string{"invoice.customer": customer, "invoice.notes": "Mine, typed here"})
	b.submit(invoiceForm, "This invoice was changed by someone else since you opened it.", inPlace)
	b.inView("This invoice was changed by someone else since you opened it.")
	if got := b.value(invoiceForm + ` [name="invoice.customer"]`); got != "Renamed Elsewhere" || b.value(invoiceForm+` [name="invoice.notes"]`) != "Mine, typed here" {
		b.fail("the merge shows customer %q, notes %q", got, b.value(invoiceForm+` [name="invoice.notes"]`))
	}
	b.submit(invoiceForm, "Invoice saved.", inPlace)
	if !strings.Contains(b.text("main"), "Renamed Elsewhere ·") || b.value(invoiceForm+` [name="invoice.notes"]`) != "Mine, typed here" {
		b.fail("saving the merge did not keep both changes")
	}
}

// archivedElsewhere: 404 for a row archived in another tab, then here. Its
// form is gone from the page now, so the slot says it; on a phone,
// scrolled down to the row, the slot is out of the window when the button
// is pressed.
func (b *browser) archivedElsewhere() {
	b.run(emulation.SetDeviceMetricsOverride(375, 560, 1, true))
	defer b.run(emulation.ClearDeviceMetricsOverride())
	b.open("/")
	row := `form:has(button[aria-label="Archive Data migration"])`
	b.postElsewhere(row)
	b.eval(`(() => { document.querySelector(`+jsString(row)+`).scrollIntoView({block: "end"}); return true; })()`, new(bool))
	b.submit(row, "That project is already archived.", inPlace)
	b.inView("That project is already archived.")
}

// sentTwice: a form sent a second time, the first from another tab, runs
// nothing again, and lands where the first did, with its message.
func (b *browser) sentTwice() {
	b.open("/invoices/new")
	b.fill(invoiceForm, map[string]string{"invoice.project_id": "1", "invoice.customer": "Once Ltd",
		"invoice.email": "ap@once.example", "invoice.amount": "5.00", "invoice.due": "2027-03-01"})
	b.postElsewhere(invoiceForm)
	b.submit(invoiceForm, "Once Ltd", redirect)
	b.inView("created.")
	b.open("/")
	if n := strings.Count(b.text("main"), "Once Ltd"); n != 1 {
		b.fail("a form sent twice listed %d invoices", n)
	}
}

// olderDeploy: 409 for a form of an older deploy, whose action this one
// does not know. Under htmx what was typed stays.
func (b *browser) olderDeploy() {
	b.open("/invoices/6")
	b.setHidden(commentForm, "_action", "AAAAAAAAAAAAAAAAAAAAAA")
	b.fill(commentForm, map[string]string{"body": "From an older deploy"})
	b.submit(commentForm, "This form is out of date; reload and try again.", inPlace)
	b.inView("This form is out of date; reload and try again.")
	if got := b.value(commentForm + ` [name="body"]`); b.htmx() && got != "From an older deploy" {
		b.t.Errorf("the comment typed before a 409 is %q", got)
	}
}

// tampered: 400 for bound arguments that were altered.
func (b *browser) tampered() {
	const says = "The form's bound arguments were altered or belong to another form."
	b.open("/invoices/6")
	b.setHidden(commentForm, "_bound", "AAAA"+strings.Repeat("x", 40))
	b.fill(commentForm, map[string]string{"body": "Tampered"})
	b.submit(commentForm, says, inPlace)
	b.inView(says)
}

// tooLarge: 413 for a body over the cap, on the form that sent it.
func (b *browser) tooLarge() {
	b.open("/invoices/6")
	b.fill(invoiceForm, map[string]string{"invoice.notes": strings.Repeat("n", 1<<20+1)})
	b.submit(invoiceForm, "The submission is larger than 1 MB.", inPlace)
	b.inView("The submission is larger than 1 MB.")
}

// roleLost: 403 for the admin's form, sent after the tab's session became
// a member's. The page for a member has no such form: the slot says why,
// and under htmx the form stays as the user left it (with JavaScript off,
// Back shows it so).
func (b *browser) roleLost() {
	b.open("/changelog")
	b.fill(entryForm, map[string]string{"title": "Written as admin", "body": "Typed before the role changed"})
	b.signInElsewhere(app.MemberEmail, app.MemberPassword)
	b.submit(entryForm, "You do not have permission to do that.", inPlace)
	b.inView("You do not have permission to do that.")
	if b.htmx() && b.value(entryForm+` [name="title"]`) != "Written as admin" {
		b.t.Errorf("the entry typed before a 403 is lost")
	}
	b.signIn()
}

// tooManySignIns: 429 on the sign-in form after five wrong passwords for
// an email, sent from another tab, whatever the sixth password.
func (b *browser) tooManySignIns() {
	for i := range 5 {
		if status := b.tryElsewhere(app.MemberEmail, "wrong password"); status != 422 {
			b.fail("wrong password %d got %d", i+1, status)
		}
	}
	login := `form:has([name="password"])`
	b.open("/login")
	b.fill(login, map[string]string{"email": app.MemberEmail, "password": app.MemberPassword})
	b.submit(login, "Too many attempts. Try again in 3 minutes.", inPlace)
	b.inView("Too many attempts. Try again in 3 minutes.")
}

// createAfterBack: create an invoice, press Back to the new-invoice page
// and create another. The page comes back anew, with a fresh one-time
// token, not from the back/forward cache or htmx's history with the
// spent one.
func (b *browser) createAfterBack() {
	b.open("/invoices/new")
	for i, customer := range []string{"First Back Ltd", "Second Back Ltd"} {
		b.fill(invoiceForm, map[string]string{"invoice.project_id": "3", "invoice.customer": customer,
			"invoice.email": "ap@back.example", "invoice.amount": "10.00", "invoice.due": "2027-02-01"})
		b.submit(invoiceForm, customer, redirect)
		if i == 0 {
			b.run(chromedp.NavigateBack())
			// The page is loaded anew: htmx fetches it and swaps it in
			// after the navigation, empty; without JavaScript the browser
			// loads it, and may refill what was typed.
			fresh := `location.pathname === "/invoices/new"`
			if b.htmx() {
				fresh += ` && document.querySelector(` + jsString(invoiceForm+` [name="invoice.customer"]`) + `)?.value === ""`
			}
			b.waitJS(fresh, "Back to the new-invoice page, loaded anew")
			b.ready()
		}
	}
	if !strings.Contains(b.text("main"), "Second Back Ltd") || strings.Contains(b.text("main"), "already submitted") {
		b.fail("a second invoice after Back: %s", b.text("main"))
	}
}

// internalError closes the demo's database under it and sends a comment:
// the 500 shows where the user is looking, with the digest to quote. It
// is the walk's last step.
func (b *browser) internalError() {
	b.open("/invoices/1")
	b.db.Close()
	b.fill(commentForm, map[string]string{"body": "Sent as the database went away"})
	b.submit(commentForm, "Something went wrong on our side.", inPlace)
	b.inView("Something went wrong on our side.")
	if !strings.Contains(strings.ToLower(b.text("body")), "reference") {
		b.fail("the 500 shows no digest")
	}
}

// scripts runs the page's scripts for a check alone when JavaScript is
// off, as [browser.axe] does; the returned func turns them off again.
func (b *browser) scripts() func() {
	if b.htmx() {
		return func() {}
	}
	b.run(emulation.SetScriptExecutionDisabled(false))
	return func() { b.run(emulation.SetScriptExecutionDisabled(true)) }
}

// await evaluates a script that returns a promise, and waits for it.
func await(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// postElsewhere sends the form as it is filled, as another tab would,
// without touching this page.
func (b *browser) postElsewhere(form string) {
	b.t.Helper()
	defer b.scripts()()
	var status int
	b.run(chromedp.Evaluate(`(async () => {
		const f = document.querySelector(`+jsString(form)+`);
		const r = await fetch(f.action, {method: "POST", body: new URLSearchParams(new FormData(f))});
		return r.status;
	})()`, &status, await))
	if status != 200 {
		b.fail("the form sent from elsewhere got %d", status)
	}
}

// signInElsewhere signs this browser in as another user, as another tab
// would, leaving the page as it is.
func (b *browser) signInElsewhere(email, password string) {
	b.t.Helper()
	if status := b.tryElsewhere(email, password); status != 200 {
		b.fail("signing in elsewhere got %d", status)
	}
}

// tryElsewhere sends the sign-in form as another tab would, and returns
// its status after redirects.
func (b *browser) tryElsewhere(email, password string) int {
	b.t.Helper()
	defer b.scripts()()
	var status int
	b.run(chromedp.Evaluate(`(async () => {
		const html = await (await fetch("/login")).text();
		const f = new DOMParser().parseFromString(html, "text/html").querySelector('form:has([name="password"])');
		const data = new URLSearchParams(new FormData(f));
		data.set("email", `+jsString(email)+`);
		data.set("password", `+jsString(password)+`);
		return (await fetch("/login", {method: "POST", body: data})).status;
	})()`, &status, await))
	return status
}

// setHidden sets a hidden field of the form.
func (b *browser) setHidden(form, name, value string) {
	b.t.Helper()
	var ok bool
	b.eval(`(() => {
		const e = document.querySelector(`+jsString(form+` input[type=hidden][name="`+name+`"]`)+`);
		if (e) e.value = `+jsString(value)+`;
		return !!e;
	})()`, &ok)
	if !ok {
		b.fail("%s has no hidden %s", form, name)
	}
}

// inView checks that the innermost element saying text is shown, inside
// the window (to a pixel), where the user is looking.
func (b *browser) inView(text string) {
	b.t.Helper()
	defer b.scripts()()
	var where string
	b.eval(`(() => {
		const all = [...document.querySelectorAll("body *")].filter(e => e.innerText && e.innerText.includes(`+jsString(text)+`));
		const e = all[all.length - 1];
		if (!e) return "nowhere";
		const r = e.getBoundingClientRect();
		if (r.height === 0) return "hidden";
		if (r.top < -1 || r.bottom > innerHeight + 1) return "outside the window: " + e.tagName + "." + e.className + " from " + Math.round(r.top) + " to " + Math.round(r.bottom) + " of " + innerHeight;
		return "";
	})()`, &where)
	if where != "" {
		b.fail("%q is %s", text, where)
	}
}
