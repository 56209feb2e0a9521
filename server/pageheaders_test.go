package server_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
)

// Pages and error pages carry the default security headers; a page
// rendered for a signed-in principal is private, no-cache; a page's own
// header wins; a form may redirect to the allowed origins.
func TestPageHeaders(t *testing.T) {
	a := newApp(t, false)
	a.srv.Page("/own-csp", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		return templ.Raw("<p>mine</p>"), nil
	})
	for name, tc := range map[string]struct {
		c            call
		csp, control string
	}{
		"anonymous page":     {call{method: "GET", path: "/notes"}, "script-src 'self'", ""},
		"signed-in page":     {call{method: "GET", path: "/notes", user: "ann"}, "script-src 'self'", "private, no-cache"},
		"404 page":           {call{method: "GET", path: "/nowhere"}, "script-src 'self'", "no-store"},
		"a page's own":       {call{method: "GET", path: "/own-csp"}, "default-src 'none'", ""},
		"invalid submit":     {call{body: a.saveForm(url.Values{}), user: "ann"}, "script-src 'self'", "private, no-cache"},
		"htmx invalid":       {call{body: a.saveForm(url.Values{}), user: "ann", caller: server.CallerHTMX}, "script-src 'self'", "no-store"},
		"forbidden, browser": {call{path: "/notes", body: strings.NewReader("_action=" + a.archive.ID()), user: "ann"}, "script-src 'self'", "private, no-cache"},
	} {
		resp, _ := a.do(t, tc.c)
		h := resp.Header
		if tc.csp != "" && !strings.Contains(h.Get("Content-Security-Policy"), tc.csp) {
			t.Errorf("%s: CSP %q", name, h.Get("Content-Security-Policy"))
		}
		if name != "a page's own" && tc.csp != "" && (!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			!strings.Contains(h.Get("Content-Security-Policy"), "form-action 'self' https://pay.example.com") ||
			h.Get("Referrer-Policy") != "strict-origin-when-cross-origin" || h.Get("X-Content-Type-Options") != "nosniff") {
			t.Errorf("%s: headers %v", name, h)
		}
		if got := h.Get("Cache-Control"); got != tc.control {
			t.Errorf("%s: Cache-Control %q, want %q", name, got, tc.control)
		}
	}
}

// An empty Config.PageHeaders sends none.
func TestNoPageHeaders(t *testing.T) {
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys()})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Actions: reg, Logger: discard, PageHeaders: http.Header{}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Page("/p", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		return templ.Raw("<p>p</p>"), nil
	})
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest("GET", "/p", nil))
	if w.Code != 200 || w.Header().Get("Content-Security-Policy") != "" || w.Header().Get("X-Frame-Options") != "" {
		t.Fatalf("headers %v", w.Header())
	}
}
