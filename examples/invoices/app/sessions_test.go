package app_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/formwork-dev/formwork/examples/invoices/app"
)

// Sessions live on the server, in each store the demo offers: the default
// SQLite database, and Redis and PostgreSQL servers started for the test.
func TestSessions(t *testing.T) {
	for _, store := range []struct {
		name string
		open func(*testing.T) scs.Store // nil: the demo's own database
	}{
		{"sqlite", nil},
		{"redis", redisSessions},
		{"postgres", postgresSessions},
	} {
		t.Run(store.name, func(t *testing.T) {
			var sessions scs.Store
			if store.open != nil {
				sessions = store.open(t)
			}
			for _, tc := range []struct {
				name string
				test func(*testing.T, *demo)
			}{
				{"sign-out ends the session", testSignOut},
				{"a new password ends the other sessions", testPasswordChange},
				{"sign-in renews the token", testSignInRenews},
			} {
				t.Run(tc.name, func(t *testing.T) {
					tc.test(t, startDemo(t, false, func(c *app.Config) { c.Sessions = sessions }))
				})
			}
		})
	}
}

// A copy of the session's cookie taken before signing out is refused
// afterwards: it gets the login page.
func testSignOut(t *testing.T, d *demo) {
	cookie, c := d.login(t, app.MemberEmail, app.MemberPassword)
	if c.MaxAge <= 0 || c.MaxAge > 12*60*60+1 {
		t.Errorf("the session cookie lasts %d s, want the lifetime, 12 h", c.MaxAge)
	}
	d.wantSignedIn(t, "the session", cookie)
	resp := d.post(t, "/", cookie, url.Values{"_action": {d.actionID(t, "auth.logout")}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("sign out: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, ok := sessionCookie(resp); ok {
		t.Error("signing out does not clear the session cookie")
	}
	d.wantSignedOut(t, "a copy taken before signing out", cookie)
}

// A new password ends every other session of the user, and a copy of the
// cookie of the session that set it; that session stays signed in, with
// a new token. A save that keeps the password ends nothing.
func testPasswordChange(t *testing.T, d *demo) {
	here, _ := d.login(t, app.MemberEmail, app.MemberPassword)
	elsewhere, _ := d.login(t, app.MemberEmail, app.MemberPassword)
	save := func(cookie string, fields url.Values) *http.Response {
		t.Helper()
		var version int64
		d.db.Read.QueryRow(`SELECT version FROM users WHERE email = ?`, app.MemberEmail).Scan(&version)
		form := d.form(t, "profile.save", url.Values{"version": {fmt.Sprint(version)}})
		for k, v := range fields {
			form[k] = v
		}
		form.Set("email", app.MemberEmail)
		resp := d.post(t, "/profile", cookie, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save the profile: %d", resp.StatusCode)
		}
		return resp
	}
	save(here, url.Values{"name": {"Maxine Member"}})
	d.wantSignedIn(t, "another session, after a save without a new password", elsewhere)
	d.wantSignedIn(t, "this session, after a save without a new password", here)

	resp := save(here, url.Values{"name": {"Maxine Member"}, "new_password": {"a brand-new password"}})
	renewed, ok := sessionCookie(resp)
	if !ok || renewed == here {
		t.Fatalf("the session that set the password got no new token: %q", renewed)
	}
	d.wantSignedIn(t, "the session that set the password", renewed)
	d.wantSignedOut(t, "another session", elsewhere)
	d.wantSignedOut(t, "a copy of this session taken before", here)
	again, _ := d.login(t, app.MemberEmail, "a brand-new password")
	d.wantSignedIn(t, "a sign-in with the new password", again)
}

// Signing in gives the session a new token, whatever token the browser
// had: its own old one, which ends, or one planted by someone else.
func testSignInRenews(t *testing.T, d *demo) {
	first, _ := d.login(t, app.MemberEmail, app.MemberPassword)
	second, _ := d.loginFrom(t, first, app.AdminEmail, app.AdminPassword)
	if second == first {
		t.Fatal("signing in again kept the token")
	}
	d.wantSignedIn(t, "the new session", second)
	d.wantSignedOut(t, "the token before signing in again", first)
	const planted = "session=a-token-someone-planted"
	if got, _ := d.loginFrom(t, planted, app.MemberEmail, app.MemberPassword); got == planted {
		t.Fatal("signing in kept a planted token")
	}
}

// A session that fails to load is the server's internal error, on its
// styled page with a digest to quote, not a signed-out visitor's redirect.
func TestSessionStoreDown(t *testing.T) {
	d := newDemo(t, false)
	cookie, _ := d.login(t, app.MemberEmail, app.MemberPassword)
	d.db.Close() // the sessions' store goes with it
	resp, page := d.get(t, "/profile", cookie)
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(page, "Something went wrong on our side.") {
		t.Fatalf("a session that fails to load: %d\n%s", resp.StatusCode, page)
	}
	if resp, _ := d.get(t, "/profile", ""); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a visitor without a session: %d", resp.StatusCode)
	}
}

// Cookies are Secure over TLS, when the app says it is served over https,
// or when a trusted proxy says so; never on anyone else's word.
func TestSecureCookies(t *testing.T) {
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	elsewhere := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, tc := range []struct {
		name    string
		tls     bool
		cfg     app.Config
		proto   string // X-Forwarded-Proto
		secured bool
	}{
		{"plain http", false, app.Config{}, "", false},
		{"tls", true, app.Config{}, "", true},
		{"https behind a proxy", false, app.Config{HTTPS: true}, "", true},
		{"an untrusted proxy's word", false, app.Config{}, "https", false},
		{"a trusted proxy says https", false, app.Config{TrustedProxies: loopback}, "https", true},
		{"a trusted proxy says http", false, app.Config{TrustedProxies: loopback}, "http", false},
		{"another address's word", false, app.Config{TrustedProxies: elsewhere}, "https", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := startDemo(t, tc.tls, func(c *app.Config) { c.HTTPS, c.TrustedProxies = tc.cfg.HTTPS, tc.cfg.TrustedProxies })
			var header http.Header
			if tc.proto != "" {
				header = http.Header{"X-Forwarded-Proto": {tc.proto}}
			}
			resp := d.postHeader(t, "/login", "", header, d.loginForm(t, app.MemberEmail, app.MemberPassword))
			cookie, _ := sessionCookie(resp)
			out := d.postHeader(t, "/", cookie, header, url.Values{"_action": {d.actionID(t, "auth.logout")}})
			cookies := append(resp.Cookies(), out.Cookies()...)
			if len(cookies) < 3 { // the session's, its deletion, the flash
				t.Fatalf("%d cookies", len(cookies))
			}
			for _, c := range cookies {
				if c.Secure != tc.secured {
					t.Errorf("cookie %s: Secure %v, want %v", c.Name, c.Secure, tc.secured)
				}
			}
		})
	}
}

// sessionCookie returns the session cookie that resp sets, as a request's
// Cookie header, and whether it sets one (not its deletion).
func sessionCookie(resp *http.Response) (string, bool) {
	for _, c := range resp.Cookies() {
		if c.Name == "session" && c.Value != "" && c.MaxAge >= 0 {
			return c.Name + "=" + c.Value, true
		}
	}
	return "", false
}

// actionID returns the ID of the action called name.
func (d *demo) actionID(t *testing.T, name string) string {
	t.Helper()
	h, ok := d.app.Registry().ByName(name)
	if !ok {
		t.Fatalf("no action %s", name)
	}
	return h.ID()
}

// wantSignedIn checks that cookie's session shows the profile page.
func (d *demo) wantSignedIn(t *testing.T, what, cookie string) {
	t.Helper()
	if resp, _ := d.get(t, "/profile", cookie); resp.StatusCode != http.StatusOK {
		t.Errorf("%s is refused: %d to %q", what, resp.StatusCode, resp.Header.Get("Location"))
	}
}

// wantSignedOut checks that cookie's session gets the login page.
func (d *demo) wantSignedOut(t *testing.T, what, cookie string) {
	t.Helper()
	if resp, _ := d.get(t, "/profile", cookie); resp.StatusCode != http.StatusSeeOther ||
		resp.Header.Get("Location") != "/login?next=%2Fprofile" {
		t.Errorf("%s is still signed in: %d to %q", what, resp.StatusCode, resp.Header.Get("Location"))
	}
}

// A session unused for the idle timeout ends; one in use goes on, past
// it, and notes that it was seen at most once a minute.
func TestSessionIdleTimeout(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func(d time.Duration) {
		mu.Lock()
		now = now.Add(d)
		mu.Unlock()
	}
	d := startDemo(t, false, func(c *app.Config) {
		c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	busy, _ := d.login(t, app.MemberEmail, app.MemberPassword)
	idle, _ := d.login(t, app.AdminEmail, app.AdminPassword)
	for range 5 { // 5 × 30 minutes: the busy one is seen every half hour
		clock(30 * time.Minute)
		d.wantSignedIn(t, "a session in use", busy)
	}
	d.wantSignedOut(t, "a session idle for 2.5 hours", idle)
	// Within a minute of the last note, a request writes nothing.
	data := func() (hex string) {
		token := strings.TrimPrefix(busy, "session=")
		d.db.Read.QueryRow(`SELECT hex(data) FROM sessions WHERE token = ?`, token).Scan(&hex)
		return hex
	}
	before := data()
	clock(50 * time.Second)
	d.wantSignedIn(t, "a session seen a moment ago", busy)
	if before == "" || data() != before {
		t.Error("a request within a minute of the last wrote the session")
	}
	clock(20 * time.Second)
	d.wantSignedIn(t, "a session seen over a minute ago", busy)
	if data() == before {
		t.Error("a request over a minute after the last did not note it")
	}
}
