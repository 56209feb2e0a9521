package app_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/formwork-dev/formwork/examples/invoices/app"
)

const chromiumPath = "/usr/bin/chromium"

// axePath is axe-core's script, which scripts/setup.sh installs at the
// version it pins, relative to this package's directory.
const axePath = "../../../.cache/axe/node_modules/axe-core/axe.min.js"

// axeSource is the script of axe-core, read once by TestBrowser.
var axeSource string

// TestBrowser drives every demo form in headless Chromium: with JavaScript
// off, and with htmx 2 and htmx 4 on.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s is missing: run `make setup` (scripts/setup.sh installs Debian's chromium)", chromiumPath)
	}
	src, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is missing (%v): run `make setup` (scripts/setup.sh installs it from npm)", err)
	}
	axeSource = string(src)
	// Chromium's helper processes may still write to the profile after the
	// browser has gone, so the test removes it itself, with a little patience.
	profile, err := os.MkdirTemp("", "formwork-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 20 {
			if err = os.RemoveAll(profile); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("leaving the Chromium profile %s: %v", profile, err)
	})
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(profile), chromedp.WindowSize(1280, 1000),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true))
	actx, cancel := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Run(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	defer chromedp.Cancel(bctx) // close the browser and wait for it
	for _, mode := range []string{"nojs", "htmx2", "htmx4"} {
		t.Run(mode, func(t *testing.T) {
			tab, cancel := chromedp.NewContext(bctx)
			defer cancel()
			// The first Run allocates the tab; it must not get a timeout
			// context, whose end would close the tab.
			// Cookies ignore ports: each mode starts signed out.
			if err := chromedp.Run(tab, network.ClearBrowserCookies()); err != nil {
				t.Fatal(err)
			}
			b := &browser{t: t, ctx: tab, mode: mode}
			b.base, b.db = startApp(t, map[string]string{"nojs": "2", "htmx2": "2", "htmx4": "4"}[mode])
			if mode == "nojs" {
				b.run(emulation.SetScriptExecutionDisabled(true))
			}
			defer b.cspViolations()()
			b.walkThrough()
		})
	}
	t.Run("layout", func(t *testing.T) {
		tab, cancel := chromedp.NewContext(bctx)
		defer cancel()
		if err := chromedp.Run(tab, network.ClearBrowserCookies()); err != nil {
			t.Fatal(err)
		}
		b := &browser{t: t, ctx: tab, mode: "htmx2"}
		b.base, _ = startApp(t, "2")
		b.layout()
	})
}

// startApp serves a fresh demo on a real SQLite file over loopback. POSTs
// are slowed a little so that htmx's pending state can be seen.
func startApp(t *testing.T, htmx string) (string, *app.DB) {
	t.Helper()
	db, err := app.OpenDB(t.Context(), filepath.Join(t.TempDir(), "invoices.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a, err := app.New(app.Config{DB: db, Secret: []byte(strings.Repeat("s", 32)), HTMX: htmx, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	h := a.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			time.Sleep(300 * time.Millisecond)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts.URL, db
}

type browser struct {
	t    *testing.T
	ctx  context.Context
	mode string
	base string
	db   *app.DB // the app's, for the walk's last step to close
	shot int
}

func (b *browser) htmx() bool { return b.mode != "nojs" }

// run runs actions, and on failure keeps a screenshot and stops the test.
func (b *browser) run(actions ...chromedp.Action) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		b.fail("%v", err)
	}
}

func (b *browser) fail(format string, args ...any) {
	b.t.Helper()
	var png []byte
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	msg := fmt.Sprintf(format, args...)
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err == nil {
		dir := filepath.Join("testdata", "failures")
		os.MkdirAll(dir, 0o755)
		b.shot++
		name := filepath.Join(dir, fmt.Sprintf("%s-%d.png", strings.ReplaceAll(b.t.Name(), "/", "_"), b.shot))
		if os.WriteFile(name, png, 0o644) == nil {
			msg += "\nscreenshot: " + name
		}
	}
	var text string
	chromedp.Run(ctx, chromedp.Evaluate(`document.body ? document.body.innerText : ""`, &text))
	b.t.Fatalf("%s\npage text:\n%s", msg, text)
}

func (b *browser) eval(js string, out any) {
	b.t.Helper()
	b.run(chromedp.Evaluate(js, out))
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base + path))
	b.ready()
}

// ready waits for the document, and for htmx when it is on.
func (b *browser) ready() {
	b.t.Helper()
	check := `document.readyState === "complete"`
	if b.htmx() {
		check += ` && !!window.htmx && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")`
	}
	b.waitJS(check, "the page to load")
}

func (b *browser) waitJS(cond, what string) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ok bool
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		err := chromedp.Run(ctx, chromedp.Evaluate(`!!(`+cond+`)`, &ok))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.fail("timed out waiting for %s (%s)", what, cond)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *browser) fill(form string, values map[string]string) {
	b.t.Helper()
	for name, v := range values {
		sel := form + ` [name="` + name + `"]`
		var got string
		b.eval(`(() => {
			const e = document.querySelector(`+jsString(sel)+`);
			if (!e) return "<missing>";
			e.value = `+jsString(v)+`;
			return e.value;
		})()`, &got)
		if got != v {
			b.fail("set %s to %q: the field holds %q", name, v, got)
		}
	}
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	var v string
	b.eval(`document.querySelector(`+jsString(sel)+`).value`, &v)
	return v
}

// axeViolation is one rule that axe-core found broken, with the first few
// elements that break it.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Nodes   int      `json:"nodes"`
	Targets []string `json:"targets"`
}

// axe runs axe-core on the page as it is, and reports each violation as an
// error: the walk goes on, so that one run lists every page's. The script
// is evaluated through the DevTools protocol; with the page's JavaScript
// off, its timers and promises do not run, so scripts are allowed for the
// check alone (the page's own scripts, skipped when it loaded, stay so).
func (b *browser) axe(state string) {
	b.t.Helper()
	if !b.htmx() {
		b.run(emulation.SetScriptExecutionDisabled(false))
		defer b.run(emulation.SetScriptExecutionDisabled(true))
	}
	var loaded bool
	b.eval(`!!window.axe`, &loaded)
	if !loaded {
		b.run(chromedp.Evaluate(axeSource+"\n;true", &loaded))
	}
	var vs []axeViolation
	b.run(chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help, nodes: v.nodes.length,
		targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
	})))`, &vs, await))
	if len(vs) == 0 {
		return
	}
	var msg strings.Builder
	fmt.Fprintf(&msg, "axe: %d violation(s) on %s (%s):", len(vs), state, b.path())
	for _, v := range vs {
		fmt.Fprintf(&msg, "\n  %s (%s): %s; %d element(s): %s", v.ID, v.Impact, v.Help, v.Nodes, strings.Join(v.Targets, " | "))
	}
	b.t.Error(msg.String())
}

// axePending submits the form under htmx with its request held back in the
// browser, runs axe-core on the page in its pending state, then lets the
// request go and waits for want.
func (b *browser) axePending(form, want string) {
	b.t.Helper()
	release := b.holdNextPost()
	b.eval(`document.querySelector(`+jsString(form)+`).noValidate = true`, new(bool))
	b.run(chromedp.Click(form+` button[type="submit"]`, chromedp.ByQuery))
	b.waitJS(`document.querySelector(`+jsString(form)+`).classList.contains("htmx-request")`, "the pending state")
	b.axe("a form in its pending state")
	release()
	b.waitJS(`document.body && document.body.innerText.includes(`+jsString(want)+`)`, fmt.Sprintf("%q", want))
	b.ready()
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// outcome says how a submit is expected to end.
type outcome int

const (
	inPlace  outcome = iota // htmx swaps a fragment; the document stays
	redirect                // a new page (HX-Location keeps the document)
	reload                  // a full load, even under htmx (HX-Redirect)
)

// submit submits the form, waits for want to appear in the page, and checks
// how the page changed: a new document without JavaScript, the same
// document with only the fragment swapped under htmx, and the pending state.
func (b *browser) submit(form, want string, how outcome) {
	b.t.Helper()
	b.eval(`(() => {
		window.__stamp = "kept";
		window.__h1 = document.querySelector("header");
		window.__pending = false;
		const f = document.querySelector(`+jsString(form)+`);
		// The server's checks are under test, not the browser's: skip the
		// constraint validation that the views' attributes give the form.
		f.noValidate = true;
		// Pending: the pending words show, and the submit button is
		// disabled and busy while it keeps its accessible name.
		new MutationObserver(() => {
			const p = f.querySelector(".fw-pending"), s = f.querySelector("button[type=submit]");
			if (f.classList.contains("htmx-request") && p && getComputedStyle(p).display !== "none" &&
				s.disabled && s.getAttribute("aria-busy") === "true" && s.querySelector(".fw-label").textContent.trim() !== "") window.__pending = true;
		}).observe(f, {attributes: true, subtree: true, attributeFilter: ["class", "disabled", "aria-busy"]});
		return true;
	})()`, new(bool))
	b.run(chromedp.Click(form+` button[type="submit"]`, chromedp.ByQuery))
	b.waitJS(`document.body && document.body.innerText.includes(`+jsString(want)+`)`, fmt.Sprintf("%q", want))
	b.ready()
	var stamp string
	var sameHeader, pending bool
	b.eval(`window.__stamp || ""`, &stamp)
	b.eval(`window.__h1 === document.querySelector("header")`, &sameHeader)
	b.eval(`!!window.__pending`, &pending)
	switch {
	case !b.htmx() && stamp != "":
		b.fail("without JavaScript the form did not load a new page")
	case b.htmx() && how != reload && stamp == "":
		b.fail("under htmx the page reloaded")
	case b.htmx() && how == inPlace && !sameHeader:
		b.fail("under htmx more than the form's fragment was swapped")
	case b.htmx() && how != reload && !pending:
		b.fail("the pending state did not show")
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	var s string
	b.eval(`(document.querySelector(`+jsString(sel)+`) || {innerText: ""}).innerText`, &s)
	return s
}

func (b *browser) path() string {
	var p string
	b.eval(`location.pathname`, &p)
	return p
}

// walkThrough uses every form of the demo, invalid first, then valid.
func (b *browser) walkThrough() {
	t := b.t
	login := `form:has([name="password"])`
	b.open("/")
	if b.path() != "/login" {
		b.fail("an anonymous visit to / is not sent to the login page")
	}
	b.axe("the login page")

	// Log in: a wrong password keeps the email and never echoes the password.
	b.fill(login, map[string]string{"email": app.AdminEmail, "password": "wrong password"})
	b.submit(login, "The email or password is wrong.", inPlace)
	if got := b.value(login + ` [name="email"]`); got != app.AdminEmail {
		t.Errorf("email after invalid login = %q", got)
	}
	if got := b.value(login + ` [name="password"]`); got != "" {
		t.Errorf("password echoed after invalid login: %q", got)
	}
	b.axe("the login page after a wrong password")
	b.fill(login, map[string]string{"password": app.AdminPassword})
	b.submit(login, "Projects", reload)
	if b.path() != "/" {
		b.fail("after login the path is %s", b.path())
	}
	b.axe("the dashboard")

	// Create an invoice.
	create := `form:has([name="invoice.customer"])`
	b.open("/invoices/new")
	b.axe("the new invoice page")
	b.fill(create, map[string]string{"invoice.customer": "", "invoice.amount": "twelve", "invoice.email": "wayne"})
	var valid bool
	b.eval(`document.querySelector(`+jsString(create)+`).checkValidity()`, &valid)
	if valid {
		b.fail("the browser's own validation passed an empty required field and a bad email")
	}
	b.submit(create, "Enter an amount such as 1,250.00.", inPlace)
	for _, want := range []string{"This field is required.", "Enter a valid email address."} {
		if !strings.Contains(b.text(create), want) {
			b.fail("create: missing %q", want)
		}
	}
	if got := b.value(create + ` [name="invoice.amount"]`); got != "twelve" {
		t.Errorf("amount after invalid submit = %q", got)
	}
	b.axe("the new invoice page after an invalid submit")
	b.fill(create, map[string]string{"invoice.project_id": "2", "invoice.customer": "Wayne Enterprises",
		"invoice.email": "ap@wayne.example", "invoice.amount": "2,500.00", "invoice.due": "2027-01-15"})
	b.submit(create, "Invoice INV-0006 created.", redirect)
	if b.path() != "/invoices/6" {
		b.fail("after create the path is %s", b.path())
	}
	if !b.htmx() {
		// Back, after an invalid and then a valid submit, shows the
		// invalid page as it was, not "Confirm Form Resubmission".
		b.run(chromedp.NavigateBack())
		b.ready()
		if b.path() != "/invoices/new" || !strings.Contains(b.text("main"), "Enter an amount such as 1,250.00.") {
			b.fail("Back after a valid submit: %s", b.path())
		}
		b.open("/invoices/6")
	}
	b.axe("an invoice page")
	b.summaryStreams("INV-0006 bills Wayne Enterprises (ap@wayne.example) $2,500.00")

	// Edit it.
	edit := `form:has([name="id"]), form:has([name="invoice.customer"])`
	edit = `form:has([name="invoice.customer"])`
	b.fill(edit, map[string]string{"invoice.email": "not-an-email"})
	b.submit(edit, "Enter a valid email address.", inPlace)
	b.axe("an invoice page after an invalid save")
	b.fill(edit, map[string]string{"invoice.email": "billing@wayne.example", "invoice.notes": "Net 30 — ünïcödé ✓"})
	b.submit(edit, "Invoice saved.", inPlace)
	if got := b.value(edit + ` [name="invoice.notes"]`); got != "Net 30 — ünïcödé ✓" {
		t.Errorf("notes after save = %q", got)
	}
	b.readsFresh("an invoice saved") // its header card too

	// Comment on it: htmx appends the comment in place.
	comment := `form:has([name="body"])`
	b.fill(comment, map[string]string{"body": ""})
	b.submit(comment, "This field is required.", inPlace)
	b.fill(comment, map[string]string{"body": "Sent to Wayne's accounts payable."})
	b.submit(comment, "Comment added.", inPlace)
	if !strings.Contains(b.text("#comments ul"), "Sent to Wayne's accounts payable.") {
		b.fail("the comment is not in the list")
	}
	if got := b.value(comment + ` [name="body"]`); got != "" {
		t.Errorf("the comment form is not reset: %q", got)
	}
	b.readsFresh("a comment added")
	if b.htmx() {
		b.fill(edit, map[string]string{"invoice.customer": "Wayne Enterprises Ltd"})
		b.keepsTyping(edit, comment, "body", "Wayne Enterprises Ltd ·")
		b.typesWhileSending(edit)
		b.fill(comment, map[string]string{"body": ""})
		b.messagesCleared("Invoice saved.", comment, "This field is required.")
	}

	// Archive a project (a bound argument).
	b.open("/")
	archive := `form:has(button[aria-label="Archive Mobile app"])`
	b.submit(archive, "Project archived.", inPlace)
	if strings.Contains(b.text("#projects"), "Mobile app") {
		b.fail("the archived project is still listed")
	}
	var focus string
	b.eval(`document.activeElement ? document.activeElement.id || document.activeElement.tagName : ""`, &focus)
	if b.htmx() && focus != "fw-notice" {
		b.fail("after its row went, focus is on %s, not the message slot", focus)
	}
	b.readsFresh("a project archived")

	// An invoice of the archived project keeps it, and saves: the browser's
	// own validation does not block the form.
	b.open("/invoices/6")
	var selected string
	b.eval(`(() => { const s = document.querySelector(`+jsString(edit+` [name="invoice.project_id"]`)+`); return s.options[s.selectedIndex].text; })()`, &selected)
	b.eval(`document.querySelector(`+jsString(edit)+`).checkValidity()`, &valid)
	if selected != "Mobile app (archived)" || !valid {
		b.fail("the edit form of an archived project's invoice shows %q, valid %v", selected, valid)
	}
	b.submit(edit, "Invoice saved.", inPlace)
	b.readsFresh("an archived project's invoice saved")

	// Profile.
	profile := `form:has([name="new_password"])`
	b.open("/profile")
	b.axe("the profile page")
	b.fill(profile, map[string]string{"name": "", "new_password": "short"})
	b.submit(profile, "Use at least 8 characters.", inPlace)
	if got := b.value(profile + ` [name="new_password"]`); got != "" {
		t.Errorf("new password echoed: %q", got)
	}
	b.axe("the profile page after an invalid submit")
	b.fill(profile, map[string]string{"name": "Ada Lovelace"})
	b.submit(profile, "Profile saved.", inPlace)
	if !strings.Contains(b.text("header"), "Ada Lovelace") {
		b.fail("the header does not show the new name")
	}
	b.readsFresh("the profile saved")

	// Changelog (admin only).
	entry := `form:has([name="title"])`
	b.open("/changelog")
	b.axe("the changelog")
	b.fill(entry, map[string]string{"title": "", "body": "Body without a title"})
	b.submit(entry, "This field is required.", inPlace)
	if got := b.value(entry + ` [name="body"]`); got != "Body without a title" {
		t.Errorf("body after invalid entry = %q", got)
	}
	b.axe("the changelog after an invalid entry")
	b.fill(entry, map[string]string{"title": "Browser tested"})
	b.submit(entry, "Entry published.", inPlace)
	b.readsFresh("an entry published") // the list has it

	if b.htmx() {
		b.fill(entry, map[string]string{"title": "", "body": "Held back"})
		b.axePending(entry, "This field is required.")
	}

	// A missing page is the styled 404.
	b.open("/no/such/page")
	b.axe("the 404 page")

	// A form from a session that has ended sends the user to sign in, and
	// says why; a signed-out visit does not say so, and signing in goes
	// back to the page.
	b.open("/invoices/6")
	b.run(network.DeleteCookies("session").WithURL(b.base))
	b.fill(comment, map[string]string{"body": "Written after the session ended."})
	b.submit(comment, "Sign in again to continue.", reload)
	if b.path() != "/login" {
		b.fail("a stale form led to %s", b.path())
	}
	b.open("/profile")
	if b.path() != "/login" || strings.Contains(b.text("main"), "Sign in again") {
		b.fail("a signed-out visit to /profile: %s, %q", b.path(), b.text("main"))
	}
	b.fill(login, map[string]string{"email": app.AdminEmail, "password": app.AdminPassword})
	b.submit(login, "New password", reload)
	if b.path() != "/profile" {
		b.fail("after signing in again the path is %s", b.path())
	}

	// Enter pressed twice in the new-invoice form, while the first request
	// is held back, creates one invoice. Under htmx the form drops the
	// second submit (hx-sync) and its button is disabled; Chromium with
	// JavaScript off holds back a second submit of a page it is leaving
	// itself, so two identical POSTs are sent over HTTP in
	// TestNewInvoiceSentTwice, where the one-time token refuses the second.
	b.open("/invoices/new")
	b.fill(create, map[string]string{"invoice.project_id": "3", "invoice.customer": "Twice Corp",
		"invoice.email": "ap@twice.example", "invoice.amount": "10.00", "invoice.due": "2027-02-01"})
	b.run(chromedp.SendKeys(create+` [name="invoice.customer"]`, "\r\r", chromedp.ByQuery))
	b.waitJS(`document.body && /Invoice INV-\d+ created\.|already submitted/.test(document.body.innerText)`, "the outcome of Enter pressed twice")
	b.ready()
	b.open("/")
	if n := strings.Count(b.text("main"), "Twice Corp"); n != 1 {
		b.fail("Enter pressed twice listed %d invoices of Twice Corp", n)
	}

	b.createAfterBack()
	b.neverSilent()

	// Log out.
	logout := `header form`
	b.submit(logout, "You are signed out.", reload)
	if b.path() != "/login" {
		b.fail("after logout the path is %s", b.path())
	}
	b.axe("the login page with a notice")
	// The message is a flash: it shows once.
	b.open("/login")
	if strings.Contains(b.text("main"), "You are signed out.") {
		b.fail("the sign-out message shows again on the next visit")
	}

	b.signIn()
	b.internalError() // last: the app has no database after it
}

// signIn signs in as the admin through the login form.
func (b *browser) signIn() {
	b.t.Helper()
	login := `form:has([name="password"])`
	b.open("/login")
	b.fill(login, map[string]string{"email": app.AdminEmail, "password": app.AdminPassword})
	b.submit(login, "Projects", reload)
}

// phonePages are the pages a phone must show without scrolling sideways.
var phonePages = []string{"/login", "/", "/invoices/1", "/invoices/new", "/profile", "/changelog"}

// missingPages answer 404 with the styled page.
var missingPages = []string{"/invoices/9999", "/no/such/page"}

// layout checks how the pages look: the amounts line up, and at a phone's
// width (375 CSS pixels) no page scrolls sideways. No request of any page
// fails along the way, the favicon that Chromium asks for included.
func (b *browser) layout() {
	defer b.noFailedRequests(missingPages...)()
	b.signIn()
	b.amountsAlign()
	for _, path := range missingPages {
		b.open(path)
		if !strings.Contains(b.text("main h1"), "Page not found") || b.text("header nav") == "" {
			b.fail("%s is not the styled 404 page with the site's nav", path)
		}
	}
	b.run(emulation.SetDeviceMetricsOverride(375, 800, 2, true))
	var wide []string
	for _, path := range append(phonePages, missingPages...) {
		b.open(path)
		var width int
		b.eval(`document.documentElement.scrollWidth`, &width)
		if width > 375 {
			wide = append(wide, fmt.Sprintf("%s is %d px wide", path, width))
		}
	}
	if len(wide) > 0 {
		b.fail("at 375 px the page scrolls sideways: %s", strings.Join(wide, ", "))
	}
}

// amountsAlign checks that the dashboard's amounts are right-aligned, and
// their header with them: the right edges of their text line up.
func (b *browser) amountsAlign() {
	b.t.Helper()
	b.open("/")
	var edges []float64
	b.eval(`(() => {
		const col = [...document.querySelectorAll("thead th")].findIndex(th => th.textContent === "Amount");
		const cells = [...document.querySelectorAll("tr")].map(tr => tr.children[col]);
		return cells.map(c => {
			const r = document.createRange();
			r.selectNodeContents(c);
			return r.getBoundingClientRect().right;
		});
	})()`, &edges)
	if len(edges) < 2 {
		b.fail("no Amount column: %v", edges)
	}
	for i, e := range edges[1:] {
		if math.Abs(e-edges[0]) > 0.5 {
			b.fail("row %d's amount ends at %.1f px, its header at %.1f px", i+1, e, edges[0])
		}
	}
}

// noFailedRequests watches the tab's responses until the function it
// returns is called, which reports those with a status of 400 or more,
// except the 404s of the expected paths.
func (b *browser) noFailedRequests(expected ...string) func() {
	var mu sync.Mutex
	var failed []string
	chromedp.ListenTarget(b.ctx, func(ev any) {
		e, ok := ev.(*network.EventResponseReceived)
		if !ok || e.Response.Status < 400 {
			return
		}
		if u, err := url.Parse(e.Response.URL); err == nil && e.Response.Status == 404 && slices.Contains(expected, u.Path) {
			return
		}
		mu.Lock()
		failed = append(failed, fmt.Sprintf("%d %s", e.Response.Status, e.Response.URL))
		mu.Unlock()
	})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if len(failed) > 0 {
			b.t.Errorf("failed requests: %s", strings.Join(failed, ", "))
		}
	}
}
