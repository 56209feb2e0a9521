package app_test

import (
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/formwork-dev/formwork/examples/invoices/app"
	"github.com/formwork-dev/formwork/views"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

type demo struct {
	app *app.App
	db  *app.DB
	ts  *httptest.Server
}

func newDemo(t testing.TB, tls bool) *demo {
	t.Helper()
	return startDemo(t, tls, nil)
}

// startDemo starts the demo on a new database, its config as edit leaves it.
func startDemo(t testing.TB, tls bool, edit func(*app.Config)) *demo {
	t.Helper()
	db, err := app.OpenDB(t.Context(), filepath.Join(t.TempDir(), "invoices.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := app.Config{DB: db, Secret: []byte(strings.Repeat("s", 32)), Logger: discardLogger()}
	if edit != nil {
		edit(&cfg)
	}
	a, err := app.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	d := &demo{app: a, db: db}
	if tls {
		d.ts = httptest.NewTLSServer(a.Handler())
	} else {
		d.ts = httptest.NewServer(a.Handler())
	}
	t.Cleanup(d.ts.Close)
	return d
}

func (d *demo) client() *http.Client {
	c := d.ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

func (d *demo) post(t testing.TB, path, cookie string, form url.Values) *http.Response {
	t.Helper()
	return d.postHeader(t, path, cookie, nil, form)
}

// postHeader posts form with the request headers in header.
func (d *demo) postHeader(t testing.TB, path, cookie string, header http.Header, form url.Values) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", d.ts.URL+path, strings.NewReader(form.Encode()))
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := d.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// form returns the hidden fields of a form of the action name: its ID, the
// bound arguments sealed, and a one-time token for a Once action.
func (d *demo) form(t testing.TB, name string, bound url.Values) url.Values {
	t.Helper()
	h, ok := d.app.Registry().ByName(name)
	if !ok {
		t.Fatalf("no action %s", name)
	}
	form := url.Values{"_action": {h.ID()}}
	if once, _ := h.OnceToken(); once != "" { // "" for an action that is not Once
		form.Set("_once", once)
	}
	if bound != nil {
		sealed, err := h.Seal(bound)
		if err != nil {
			t.Fatal(err)
		}
		form.Set("_bound", sealed)
	}
	return form
}

func (d *demo) get(t testing.TB, path, cookie string) (*http.Response, string) {
	t.Helper()
	return d.do(t, "GET", path, cookie)
}

// login signs in and returns the session cookie's header value.
func (d *demo) login(t testing.TB, email, password string) (string, *http.Cookie) {
	t.Helper()
	return d.loginFrom(t, "", email, password)
}

// loginFrom signs in from a browser that sends cookie, and returns the
// session cookie's header value.
func (d *demo) loginFrom(t testing.TB, cookie, email, password string) (string, *http.Cookie) {
	t.Helper()
	resp := d.post(t, "/login", cookie, d.loginForm(t, email, password))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "session" {
			return c.Name + "=" + c.Value, c
		}
	}
	t.Fatal("login set no session cookie")
	return "", nil
}

// loginForm is the sign-in form, filled in.
func (d *demo) loginForm(t testing.TB, email, password string) url.Values {
	t.Helper()
	h, ok := d.app.Registry().ByName("auth.login")
	if !ok {
		t.Fatal("no auth.login")
	}
	sealed, err := h.Seal(url.Values{"next": {""}})
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{"_action": {h.ID()}, "_bound": {sealed}, "email": {email}, "password": {password}}
}

func TestEveryFormMatchesItsInput(t *testing.T) {
	d := newDemo(t, false)
	admin, _ := d.login(t, app.AdminEmail, app.AdminPassword)
	for _, path := range []string{"/login", "/", "/invoices/new", "/invoices/1", "/profile", "/changelog"} {
		resp, page := d.get(t, path, admin)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		if !strings.Contains(page, `name="_action"`) {
			t.Fatalf("GET %s has no form", path)
		}
		if err := views.CheckHTML(d.app.Registry(), strings.NewReader(page)); err != nil {
			t.Errorf("GET %s: %v", path, err)
		}
	}
}

func TestSessionCookie(t *testing.T) {
	for _, tls := range []bool{false, true} {
		d := newDemo(t, tls)
		_, c := d.login(t, app.MemberEmail, app.MemberPassword)
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tls {
			t.Errorf("tls=%v: cookie %+v", tls, c)
		}
	}
	d := newDemo(t, false)
	cookie, _ := d.login(t, app.MemberEmail, app.MemberPassword)
	if resp, _ := d.get(t, "/", cookie); resp.StatusCode != 200 {
		t.Fatalf("signed in: %d", resp.StatusCode)
	}
	tampered := cookie[:len(cookie)-3] + "AAA"
	if resp, _ := d.get(t, "/", tampered); resp.StatusCode != 303 || resp.Header.Get("Location") != "/login?next=%2F" {
		t.Fatalf("tampered session: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestMemberCannotPublish(t *testing.T) {
	d := newDemo(t, false)
	member, _ := d.login(t, app.MemberEmail, app.MemberPassword)
	_, page := d.get(t, "/changelog", member)
	if strings.Contains(page, `name="title"`) {
		t.Fatal("members see the publish form")
	}
	h, _ := d.app.Registry().ByName("changelog.add")
	once, _ := h.OnceToken() // as if the member had the admin's page
	resp := d.post(t, "/changelog", member, url.Values{"_action": {h.ID()}, "_once": {once}, "title": {"x"}, "body": {"y"}})
	var n int
	d.db.Read.QueryRow(`SELECT COUNT(*) FROM changelog WHERE title = 'x'`).Scan(&n)
	if resp.StatusCode != http.StatusForbidden || n != 0 {
		t.Fatalf("member publish: %d, %d rows", resp.StatusCode, n)
	}
}

func TestDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "invoices.db")
	db, err := app.OpenDB(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	var applied int
	db.Read.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	db.Read.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&applied)
	db.Close()
	if mode != "wal" {
		t.Fatalf("journal_mode = %q", mode)
	}
	// Opening again applies nothing twice and seeds nothing twice.
	db, err = app.OpenDB(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var users, versions int
	db.Read.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&users)
	db.Read.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&versions)
	if users != 2 || versions != applied || applied < 3 {
		t.Fatalf("users %d, migrations %d, then %d", users, applied, versions)
	}
}

func TestHealthzAndManifest(t *testing.T) {
	d := newDemo(t, false)
	if resp, body := d.get(t, "/healthz", ""); resp.StatusCode != 200 || body != `{"status":"ok"}` {
		t.Fatalf("healthz: %d %q", resp.StatusCode, body)
	}
	var got []string
	for _, e := range d.app.Registry().Manifest() {
		got = append(got, e.Name+" "+e.Policy)
	}
	want := "auth.login public,auth.logout public,invoice.create signed-in,invoice.edit signed-in,invoice.comment signed-in," +
		"project.archive signed-in,profile.save signed-in,changelog.add role:admin,invoice.delete role:admin,api.replace_token signed-in,invoice.mark_paid role:payments"
	if strings.Join(got, ",") != want {
		t.Fatalf("manifest changed:\n got %s\nwant %s", strings.Join(got, ","), want)
	}
}

// The store caches the signed-in user; a profile save must reach the very
// next request, which shows the new name in the header.
func TestProfileSaveReachesTheNextRequest(t *testing.T) {
	d := newDemo(t, false)
	cookie, _ := d.login(t, app.MemberEmail, app.MemberPassword)
	if _, page := d.get(t, "/", cookie); !strings.Contains(page, "Max Member") {
		t.Fatal("the header does not name the user")
	}
	form := d.form(t, "profile.save", url.Values{"version": {"1"}})
	form.Set("name", "Maxine Member")
	form.Set("email", app.MemberEmail)
	resp := d.post(t, "/profile", cookie, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	if _, page := d.get(t, "/", cookie); !strings.Contains(page, "Maxine Member") || strings.Contains(page, "Max Member") {
		t.Fatal("the next page still shows the old name")
	}
}

// With JavaScript off, the same rendered new-invoice form sent twice
// creates one invoice; the second submission lands where the first did,
// on that invoice, with its message.
func TestNewInvoiceSentTwice(t *testing.T) {
	d := newDemo(t, false)
	cookie, _ := d.login(t, app.AdminEmail, app.AdminPassword)
	_, page := d.get(t, "/invoices/new", cookie)
	form := url.Values{}
	for _, m := range regexp.MustCompile(`name="(_[a-z]+)" value="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("_once") == "" {
		t.Fatal("the form has no one-time token")
	}
	for k, v := range map[string]string{"invoice.project_id": "1", "invoice.customer": "Twice Ltd", "invoice.email": "a@example.com",
		"invoice.amount": "10.00", "invoice.due": "2026-12-01"} {
		form.Set(k, v)
	}
	var n int
	var went []string
	for i := range 2 {
		resp := d.post(t, "/invoices/new", cookie, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("submission %d: %d", i+1, resp.StatusCode)
		}
		went = append(went, resp.Header.Get("Location"))
	}
	if went[0] != went[1] || !strings.HasPrefix(went[0], "/invoices/") {
		t.Fatalf("the two submissions went to %v", went)
	}
	d.db.Read.QueryRow(`SELECT COUNT(*) FROM invoices WHERE customer = 'Twice Ltd'`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d invoices created", n)
	}
}

func TestDashboardCounts(t *testing.T) {
	d := newDemo(t, false)
	cookie, _ := d.login(t, app.MemberEmail, app.MemberPassword)
	_, page := d.get(t, "/", cookie)
	// The seed gives Data migration one invoice and the other projects two.
	for _, want := range []string{"1 invoice ·", "2 invoices ·"} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard does not say %q", want)
		}
	}
	if strings.Contains(page, "1 invoices") {
		t.Error(`the dashboard says "1 invoices"`)
	}
}

// Every page links the demo's icon, and the conventional /favicon.ico leads
// to it: no page load asks for an icon that is not there.
func TestFavicon(t *testing.T) {
	d := newDemo(t, false)
	admin, _ := d.login(t, app.AdminEmail, app.AdminPassword)
	link := regexp.MustCompile(`<link rel="icon" href="(/assets/favicon\.[0-9a-f]+\.svg)" type="image/svg\+xml">`)
	var icon string
	for _, path := range []string{"/login", "/", "/invoices/new", "/invoices/1", "/profile", "/changelog"} {
		_, page := d.get(t, path, admin)
		m := link.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("GET %s links no icon", path)
		}
		icon = m[1]
	}
	resp, body := d.get(t, icon, "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(body, "<svg") {
		t.Fatalf("GET %s: %d %s %.20q", icon, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if resp, _ := d.get(t, "/favicon.ico", ""); resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != icon {
		t.Fatalf("GET /favicon.ico: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func (d *demo) do(t testing.TB, method, path, cookie string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), method, d.ts.URL+path, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := d.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// A record that does not exist and an address that shows nothing get the
// styled 404 page, in the site's layout: the nav for the signed-in, and
// words that say what is missing.
func TestNotFoundPage(t *testing.T) {
	d := newDemo(t, false)
	admin, _ := d.login(t, app.AdminEmail, app.AdminPassword)
	for _, tc := range []struct {
		name, method, path, cookie string
		want                       []string
	}{
		{"no such invoice", "GET", "/invoices/9999", admin, []string{"There is no invoice INV-9999.", `href="/profile"`, "Log out"}},
		{"not an invoice number", "GET", "/invoices/abc", admin, []string{"There is no page at this address.", "Log out"}},
		{"unknown path", "GET", "/no/such/page", admin, []string{"There is no page at this address.", `href="/profile"`, "Log out"}},
		{"unknown path, signed out", "GET", "/no/such/page", "", []string{"There is no page at this address."}},
		{"unknown path, POST", "POST", "/no/such/page", admin, []string{"There is no page at this address."}},
		{"unknown path, DELETE", "DELETE", "/no/such/page", admin, []string{"There is no page at this address."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, page := d.do(t, tc.method, tc.path, tc.cookie)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("%s %s: %d", tc.method, tc.path, resp.StatusCode)
			}
			for _, want := range append(tc.want, "<title>Page not found · Invoices</title>", `href="/assets/app.`) {
				if !strings.Contains(page, want) {
					t.Errorf("%s %s: the page lacks %q", tc.method, tc.path, want)
				}
			}
		})
	}
}

// The catch-all route for unknown paths leaves a known path asked with the
// wrong method its 405 and Allow.
func TestMethodNotAllowed(t *testing.T) {
	d := newDemo(t, false)
	admin, _ := d.login(t, app.AdminEmail, app.AdminPassword)
	for _, tc := range []struct{ method, path, allow string }{
		{"DELETE", "/invoices/1", "GET, HEAD, POST"},
		{"PUT", "/profile", "GET, HEAD, POST"},
		{"DELETE", "/", "GET, HEAD, POST"},
		{"POST", "/healthz", "GET, HEAD, OPTIONS"},
		{"POST", "/favicon.ico", "GET, HEAD"},
		{"GET", "/_actions/abc", "POST"},
	} {
		resp, _ := d.do(t, tc.method, tc.path, admin)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d, Allow %q; want 405, Allow %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Allow"), tc.allow)
		}
	}
}

// The header's Log out posts to the login page, so it works on an error
// page too, whose own address runs nothing.
func TestLogoutFromNotFoundPage(t *testing.T) {
	d := newDemo(t, false)
	admin, _ := d.login(t, app.AdminEmail, app.AdminPassword)
	_, page := d.get(t, "/no/such/page", admin)
	if !strings.Contains(page, `action="/login"`) {
		t.Fatal("the Log out form does not post to /login")
	}
	h, _ := d.app.Registry().ByName("auth.logout")
	resp := d.post(t, "/login", admin, url.Values{"_action": {h.ID()}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("log out: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// An invoice of an archived project keeps its project in the edit form and
// can be saved there; no invoice moves into an archived project, and no new
// one is filed under it.
func TestArchivedProjectInvoice(t *testing.T) {
	d := newDemo(t, false)
	admin, _ := d.login(t, app.AdminEmail, app.AdminPassword)
	seal := func(name string, bound url.Values) url.Values { return d.form(t, name, bound) }
	// Invoices 1 and 2 belong to project 1, invoice 3 to project 2.
	if resp := d.post(t, "/", admin, seal("project.archive", url.Values{"project_id": {"1"}})); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive: %d", resp.StatusCode)
	}
	_, page := d.get(t, "/invoices/1", admin)
	if !regexp.MustCompile(`<option value="1" selected[^>]*>Website redesign \(archived\)</option>`).MatchString(page) {
		t.Fatal("the edit form does not keep the archived project")
	}
	fields := func(form url.Values, project string) url.Values {
		form.Set("invoice.project_id", project)
		form.Set("invoice.customer", "Acme Corp")
		form.Set("invoice.email", "billing@acme.example")
		form.Set("invoice.amount", "4,200.00")
		form.Set("invoice.due", "2027-01-15")
		return form
	}
	project := func(id int) (p int64) {
		d.db.Read.QueryRow(`SELECT project_id FROM invoices WHERE id = ?`, id).Scan(&p)
		return p
	}
	for _, tc := range []struct {
		name, path string
		form       url.Values
		status     int
	}{
		{"save in its archived project", "/invoices/1", fields(seal("invoice.edit", url.Values{"id": {"1"}, "version": {"1"}}), "1"), http.StatusSeeOther},
		{"move into an archived project", "/invoices/3", fields(seal("invoice.edit", url.Values{"id": {"3"}, "version": {"1"}}), "1"), http.StatusUnprocessableEntity},
		{"create in an archived project", "/invoices/new", fields(seal("invoice.create", nil), "1"), http.StatusUnprocessableEntity},
	} {
		if resp := d.post(t, tc.path, admin, tc.form); resp.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
	}
	if project(1) != 1 || project(3) != 2 {
		t.Errorf("invoice 1 is under project %d, invoice 3 under %d", project(1), project(3))
	}
	var n int
	d.db.Read.QueryRow(`SELECT COUNT(*) FROM invoices`).Scan(&n)
	if n != 5 {
		t.Errorf("%d invoices, want the 5 seeded", n)
	}
}

// After signing out, the login page says so, once.
func TestSignedOutMessage(t *testing.T) {
	d := newDemo(t, false)
	admin, _ := d.login(t, app.AdminEmail, app.AdminPassword)
	h, _ := d.app.Registry().ByName("auth.logout")
	resp := d.post(t, "/", admin, url.Values{"_action": {h.ID()}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("log out: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookies []string
	for _, c := range resp.Cookies() {
		if c.MaxAge >= 0 {
			cookies = append(cookies, c.Name+"="+c.Value)
		}
	}
	if _, page := d.get(t, "/login", strings.Join(cookies, "; ")); !strings.Contains(page, "You are signed out.") {
		t.Fatal("the login page does not say the user is signed out")
	}
	if _, page := d.get(t, "/login", ""); strings.Contains(page, "You are signed out.") {
		t.Fatal("the login page says so without the flash")
	}
}

// A form submitted after its session ended sends the user to sign in, and
// the login page says why; a signed-out visit to a page, and signing out,
// send the user there without those words.
func TestSignInAgain(t *testing.T) {
	d := newDemo(t, false)
	const again = "Sign in again to continue."
	comment, _ := d.app.Registry().ByName("invoice.comment")
	sealed, _ := comment.Seal(url.Values{"invoice_id": {"1"}})
	once, _ := comment.OnceToken()
	form := url.Values{"_action": {comment.ID()}, "_bound": {sealed}, "_once": {once}, "body": {"Written before the session ended."}}
	mark := func(resp *http.Response) string {
		for _, c := range resp.Cookies() {
			if c.Name == "signin_again" && c.MaxAge > 0 {
				return c.Name + "=" + c.Value
			}
		}
		return ""
	}
	loginPage := func(location, cookie string) string {
		t.Helper()
		resp, page := d.get(t, location, cookie)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", location, resp.StatusCode)
		}
		return page
	}

	t.Run("stale form", func(t *testing.T) {
		resp := d.post(t, "/invoices/1", "", form) // the session cookie is gone
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Finvoices%2F1" || mark(resp) == "" {
			t.Fatalf("stale form: %d to %q, mark %q", resp.StatusCode, resp.Header.Get("Location"), mark(resp))
		}
		login, page := d.get(t, resp.Header.Get("Location"), mark(resp))
		if !strings.Contains(page, again) {
			t.Fatal("the login page does not say to sign in again")
		}
		cleared := false
		for _, c := range login.Cookies() {
			cleared = cleared || c.Name == "signin_again" && c.MaxAge < 0
		}
		if !cleared {
			t.Fatal("the login page does not clear the mark: it would say so again")
		}
	})
	t.Run("stale form, htmx", func(t *testing.T) {
		req, _ := http.NewRequestWithContext(t.Context(), "POST", d.ts.URL+"/invoices/1", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Current-URL", d.ts.URL+"/invoices/1")
		resp, err := d.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if to := resp.Header.Get("HX-Redirect"); to != "/login?next=%2Finvoices%2F1" || mark(resp) == "" {
			t.Fatalf("stale htmx form: %d, HX-Redirect %q, mark %q", resp.StatusCode, to, mark(resp))
		}
	})
	t.Run("signed-out visit", func(t *testing.T) {
		resp, _ := d.get(t, "/invoices/1", "")
		if resp.StatusCode != http.StatusSeeOther || mark(resp) != "" {
			t.Fatalf("signed-out visit: %d, mark %q", resp.StatusCode, mark(resp))
		}
		if page := loginPage(resp.Header.Get("Location"), ""); strings.Contains(page, again) {
			t.Fatal("the login page says to sign in again after a signed-out visit")
		}
	})
	t.Run("stale sign-out", func(t *testing.T) {
		logout, _ := d.app.Registry().ByName("auth.logout")
		resp := d.post(t, "/invoices/1", "", url.Values{"_action": {logout.ID()}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" || mark(resp) != "" {
			t.Fatalf("stale sign-out: %d to %q, mark %q", resp.StatusCode, resp.Header.Get("Location"), mark(resp))
		}
	})
	t.Run("sign out", func(t *testing.T) {
		admin, _ := d.login(t, app.AdminEmail, app.AdminPassword)
		logout, _ := d.app.Registry().ByName("auth.logout")
		if resp := d.post(t, "/", admin, url.Values{"_action": {logout.ID()}}); resp.StatusCode != http.StatusSeeOther || mark(resp) != "" {
			t.Fatalf("sign out: %d, mark %q", resp.StatusCode, mark(resp))
		}
	})
}
