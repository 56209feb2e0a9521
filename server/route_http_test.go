package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
)

func ok204(w http.ResponseWriter, r *http.Request) error { w.WriteHeader(204); return nil }

// crossSite are the headers of a browser's fetch from a page of origin.
func crossSite(origin string) []string {
	return []string{"Origin", origin, "Sec-Fetch-Site", "cross-site", "Content-Type", "application/json"}
}

// A route without CORS refuses a browser's cross-site POST and lets a
// client with no Origin (curl, a server) through; CORS lets its origins
// in, with a preflight that says so, and Vary: Origin on every answer.
func TestRouteCrossOrigin(t *testing.T) {
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		s.Handle("/closed", s.Route().Post(ok204))
		s.Handle("/open", s.Route().Post(ok204).Get(ok204).Delete(ok204).CORS(server.CORS{
			Origins: []string{"https://app.example"}, Headers: []string{"Authorization", "Content-Type"},
			Expose: []string{"ETag"}, Credentials: true, MaxAge: 10 * time.Minute,
		}))
		s.Handle("/any", s.Route().Post(ok204).CORS(server.CORS{Origins: []string{"*"}}))
		s.Handle("/narrow", s.Route().Post(ok204).Delete(ok204).CORS(server.CORS{
			Origins: []string{"https://app.example"}, Methods: []string{"DELETE"}}))
	})
	for _, tc := range []struct {
		name, path string
		headers    []string
		status     int
		allowed    string // Access-Control-Allow-Origin
	}{
		{"curl", "/closed", nil, 204, ""},
		{"same origin", "/closed", []string{"Sec-Fetch-Site", "same-origin"}, 204, ""},
		{"cross-site", "/closed", crossSite("https://evil.example"), 403, ""},
		{"opaque origin", "/closed", []string{"Origin", "null"}, 403, ""},
		{"CORS origin", "/open", crossSite("https://app.example"), 204, "https://app.example"},
		{"other origin", "/open", crossSite("https://evil.example"), 403, ""},
		{"null on CORS route", "/open", []string{"Origin", "null"}, 403, ""},
		{"CORS origin with its cookies", "/open", append(crossSite("https://app.example"), "Cookie", "session=1"), 204, "https://app.example"},
		{"any origin, no cookies", "/any", crossSite("https://evil.example"), 204, "*"},
		{"any origin with the user's cookies", "/any", append(crossSite("https://evil.example"), "Cookie", "session=1"), 403, "*"},
		{"CORS origin, a method CORS leaves out", "/narrow", crossSite("https://app.example"), 403, "https://app.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(t, "POST", ts.URL+tc.path, "{}", tc.headers...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tc.allowed {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tc.allowed)
			}
			if tc.status == 403 && problemIn(t, body).Detail != "Cross-origin request refused." {
				t.Errorf("403 body: %s", body)
			}
			if tc.path != "/closed" && resp.Header.Get("Vary") != "Origin" {
				t.Errorf("Vary %q, want Origin", resp.Header.Values("Vary"))
			}
		})
	}
	t.Run("credentials and exposed headers", func(t *testing.T) {
		resp, _ := do(t, "GET", ts.URL+"/open", "", "Origin", "https://app.example")
		if resp.Header.Get("Access-Control-Allow-Credentials") != "true" || resp.Header.Get("Access-Control-Expose-Headers") != "ETag" {
			t.Errorf("headers %v", resp.Header)
		}
	})
}

// A preflight is answered 204 with what the route allows; a refused one
// gets no Access-Control-Allow-* header at all, which browsers read as no.
func TestRoutePreflight(t *testing.T) {
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		s.Handle("/open", s.Route().Post(ok204).Delete(ok204).CORS(server.CORS{
			Origins: []string{"https://app.example"}, Headers: []string{"Authorization", "Content-Type"},
			Credentials: true, MaxAge: 10 * time.Minute,
		}))
		s.Handle("/public", s.Route().Get(ok204).CORS(server.CORS{Origins: []string{"*"}}))
	})
	preflight := func(path, origin, method, headers string) http.Header {
		t.Helper()
		h := []string{"Origin", origin, "Access-Control-Request-Method", method}
		if headers != "" {
			h = append(h, "Access-Control-Request-Headers", headers)
		}
		resp, _ := do(t, "OPTIONS", ts.URL+path, "", h...)
		if resp.StatusCode != 204 || resp.Header.Get("Allow") == "" {
			t.Errorf("preflight %s %s: %d, Allow %q", path, method, resp.StatusCode, resp.Header.Get("Allow"))
		}
		if got := resp.Header.Values("Vary"); len(got) != 3 || got[0] != "Origin" {
			t.Errorf("preflight Vary %q", got)
		}
		return resp.Header
	}
	h := preflight("/open", "https://app.example", "DELETE", "authorization, content-type")
	want := map[string]string{
		"Access-Control-Allow-Origin":      "https://app.example",
		"Access-Control-Allow-Methods":     "DELETE, OPTIONS, POST",
		"Access-Control-Allow-Headers":     "Authorization, Content-Type",
		"Access-Control-Allow-Credentials": "true",
		"Access-Control-Max-Age":           "600",
	}
	for k, v := range want {
		if h.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, h.Get(k), v)
		}
	}
	for _, refused := range [][3]string{
		{"https://evil.example", "DELETE", ""},
		{"https://app.example", "PUT", ""},
		{"https://app.example", "POST", "X-Secret"},
	} {
		h := preflight("/open", refused[0], refused[1], refused[2])
		for k := range want {
			if h.Get(k) != "" {
				t.Errorf("refused preflight %v carries %s: %q", refused, k, h.Get(k))
			}
		}
	}
	if h := preflight("/public", "https://any.example", "GET", ""); h.Get("Access-Control-Allow-Origin") != "*" || h.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("public preflight %v", h)
	}
}

// A CORS configuration that cannot be right is refused when it is set.
func TestRouteCORSConfig(t *testing.T) {
	s, _ := server.New(server.Config{Actions: mustRegistry(t)})
	for _, c := range []server.CORS{
		{},
		{Origins: []string{"*"}, Credentials: true},
		{Origins: []string{"*", "https://a.example"}},
		{Origins: []string{"app.example"}},
		{Origins: []string{"https://app.example/path"}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("CORS %+v accepted", c)
				}
			}()
			s.Route().CORS(c)
		}()
	}
}

func mustRegistry(t *testing.T) *actions.Registry {
	t.Helper()
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys()})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// A route checks cross-origin requests itself, in any router, with no
// formwork middleware around it.
func TestRouteCrossOriginInPlainMux(t *testing.T) {
	s, _ := server.New(server.Config{Actions: mustRegistry(t), Logger: discard})
	mux := http.NewServeMux()
	mux.Handle("/closed", s.Route().Post(ok204))
	ts := httptest.NewServer(mux)
	defer ts.Close()
	if resp, _ := do(t, "POST", ts.URL+"/closed", "{}", crossSite("https://evil.example")...); resp.StatusCode != 403 {
		t.Errorf("cross-site POST: %d, want 403", resp.StatusCode)
	}
	if resp, _ := do(t, "POST", ts.URL+"/closed", "{}"); resp.StatusCode != 204 {
		t.Errorf("POST with no Origin: %d, want 204", resp.StatusCode)
	}
}

// Redirect: 303 after a form's POST, 307 otherwise, 308 when permanent;
// another site only when Config.RedirectOrigins lists it.
func TestRouteRedirect(t *testing.T) {
	ts := apiServer(t, server.Config{RedirectOrigins: []string{"https://pay.example"}}, func(s *server.Server) {
		s.Handle("/go", s.Route().
			Get(func(w http.ResponseWriter, r *http.Request) error { return s.Redirect(w, r, r.URL.Query().Get("to")) }).
			Post(func(w http.ResponseWriter, r *http.Request) error { return s.Redirect(w, r, "/done") }).
			Put(func(w http.ResponseWriter, r *http.Request) error { return s.RedirectPermanent(w, r, "/moved") }))
	})
	form := []string{"Content-Type", "application/x-www-form-urlencoded"}
	for _, tc := range []struct {
		method, query, body string
		headers             []string
		status              int
		location            string
	}{
		{"POST", "", "a=1", form, 303, "/done"},
		{"POST", "", "{}", []string{"Content-Type", "application/json"}, 307, "/done"},
		{"GET", "?to=/inbox", "", nil, 307, "/inbox"},
		{"GET", "?to=https://pay.example/checkout", "", nil, 307, "https://pay.example/checkout"},
		{"GET", "?to=https://evil.example/", "", nil, 400, ""},
		{"GET", "?to=//evil.example/", "", nil, 400, ""},
		{"GET", "?to=javascript:alert(1)", "", nil, 400, ""},
		{"PUT", "", "{}", nil, 308, "/moved"},
		{"POST", "", "a=1", []string{"Content-Type", "Application/X-WWW-Form-URLEncoded; charset=UTF-8"}, 303, "/done"},
		{"POST", "", "a=1", []string{"Content-Type", "text/plain"}, 303, "/done"}, // a form's third encoding
		{"POST", "", "{}", []string{"Content-Type", "application/json", "Sec-Fetch-Mode", "navigate"}, 303, "/done"},
	} {
		resp, body := do(t, tc.method, ts.URL+"/go"+tc.query, tc.body, tc.headers...)
		if resp.StatusCode != tc.status || resp.Header.Get("Location") != tc.location {
			t.Errorf("%s %s: %d to %q, want %d to %q (%s)", tc.method, tc.query, resp.StatusCode,
				resp.Header.Get("Location"), tc.status, tc.location, body)
		}
	}
}

// NotModified answers If-None-Match first, If-Modified-Since only without
// it; Cached does the same with the Last-Modified a handler set.
func TestRouteConditional(t *testing.T) {
	changed := time.Date(2026, 11, 20, 9, 30, 15, 500, time.UTC)
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		v := func(w http.ResponseWriter, r *http.Request) error {
			if server.NotModified(w, r, `"v7"`, changed) {
				return nil
			}
			return server.JSON(w, 200, map[string]int{"version": 7})
		}
		s.Handle("/v", s.Route().Get(v).Put(v))
		s.Handle("/c", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			server.LastModified(w, changed)
			return server.Cached(w, r, "text/plain", []byte("seven"))
		}))
	})
	lm := changed.Format(http.TimeFormat)
	before := changed.Add(-time.Hour).Format(http.TimeFormat)
	for _, tc := range []struct {
		path    string
		headers []string
		status  int
	}{
		{"/v", nil, 200},
		{"/v", []string{"If-None-Match", `"v7"`}, 304},
		{"/v", []string{"If-None-Match", `"v6", W/"v7"`}, 304},
		{"/v", []string{"If-None-Match", `*`}, 304},
		{"/v", []string{"If-None-Match", `"v6"`}, 200},
		{"/v", []string{"If-Modified-Since", lm}, 304},
		{"/v", []string{"If-Modified-Since", before}, 200},
		{"/v", []string{"If-None-Match", `"v6"`, "If-Modified-Since", lm}, 200}, // If-None-Match decides
		{"/v", []string{"If-Modified-Since", "yesterday"}, 200},
		{"/c", []string{"If-Modified-Since", lm}, 304},
		{"/c", []string{"If-Modified-Since", before}, 200},
		{"PUT /v", []string{"If-None-Match", `"v7"`}, 412}, // "only if it is not this version"
		{"PUT /v", []string{"If-None-Match", `"v6"`}, 200},
		{"PUT /v", []string{"If-Modified-Since", lm}, 200}, // not for unsafe methods
	} {
		method, path, ok := strings.Cut(tc.path, " ")
		if !ok {
			method, path = "GET", tc.path
		}
		resp, body := do(t, method, ts.URL+path, "", tc.headers...)
		if resp.StatusCode != tc.status {
			t.Errorf("%s %v: %d, want %d", tc.path, tc.headers, resp.StatusCode, tc.status)
		}
		if resp.Header.Get("Last-Modified") != lm || resp.Header.Get("ETag") == "" {
			t.Errorf("%s %v: Last-Modified %q, ETag %q", tc.path, tc.headers, resp.Header.Get("Last-Modified"), resp.Header.Get("ETag"))
		}
		if tc.status == 304 && body != "" {
			t.Errorf("304 with a body %q", body)
		}
	}
}

// A route's answer is dynamic unless it opts in, and never public to a
// shared cache when it answers a signed-in caller or sets a cookie.
func TestRouteCacheControl(t *testing.T) {
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		s.Handle("/news", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			server.CachePublic(w, server.Freshness{SMaxAge: time.Minute, StaleWhileRevalidate: 5 * time.Minute})
			if r.URL.Query().Has("cookie") {
				http.SetCookie(w, &http.Cookie{Name: "seen", Value: "1"})
			}
			return server.JSON(w, 200, "news")
		}))
		s.Handle("/plain", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error { return server.JSON(w, 200, "x") }))
		s.Handle("/browser", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Cache-Control", "max-age=600, must-revalidate") // no "public": a shared cache may keep it too
			return server.JSON(w, 200, "x")
		}))
		s.Handle("/shared", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Cache-Control", "public, s-maxage=600")
			return server.JSON(w, 200, "x")
		}))
		s.Handle("/secret", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			server.CacheNone(w)
			return server.JSON(w, 200, "x")
		}))
	})
	const public = "public, max-age=0, s-maxage=60, stale-while-revalidate=300"
	for _, tc := range []struct {
		path    string
		headers []string
		want    string
	}{
		{"/news", nil, public},
		{"/news", []string{"Authorization", "Bearer ann"}, "private, max-age=0, stale-while-revalidate=300"},
		{"/news", []string{"Authorization", "Bearer nobody"}, "private, max-age=0, stale-while-revalidate=300"},
		{"/news?cookie", nil, "private, max-age=0, stale-while-revalidate=300"},
		{"/browser", []string{"Authorization", "Bearer ann"}, "private, max-age=600, must-revalidate"},
		{"/browser", nil, "max-age=600, must-revalidate"},
		{"/shared", []string{"Authorization", "Bearer ann"}, "private, no-cache"},
		{"/plain", nil, "no-cache"},
		{"/plain", []string{"Authorization", "Bearer ann"}, "private, no-cache"},
		{"/secret", []string{"Authorization", "Bearer ann"}, "no-store"},
	} {
		resp, _ := do(t, "GET", ts.URL+tc.path, "", tc.headers...)
		if got := resp.Header.Get("Cache-Control"); got != tc.want {
			t.Errorf("%s %v: Cache-Control %q, want %q", tc.path, tc.headers, got, tc.want)
		}
	}
}

// Negotiate picks by quality, then specificity, then the order of offers,
// falls back to the first offer, and says Vary: Accept.
func TestNegotiate(t *testing.T) {
	offers := []string{"application/json", "text/csv", "text/html"}
	for _, tc := range []struct{ accept, want string }{
		{"", "application/json"},
		{"text/csv", "text/csv"},
		{"text/*", "text/csv"},
		{"text/*;q=0.5, text/html", "text/html"},
		{"*/*", "application/json"},
		{"application/json;q=0.2, text/csv;q=0.8", "text/csv"},
		{"text/csv;q=0, text/*", "text/html"},
		{"image/png", "application/json"},
		{"TEXT/CSV", "text/csv"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tc.accept != "" {
			r.Header.Set("Accept", tc.accept)
		}
		w := httptest.NewRecorder()
		if got := server.Negotiate(w, r, offers...); got != tc.want || w.Header().Get("Vary") != "Accept" {
			t.Errorf("Accept %q: %q (Vary %q), want %q", tc.accept, got, w.Header().Get("Vary"), tc.want)
		}
	}
	// A hostile header of a hundred thousand ranges costs what 32 do.
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept", strings.Repeat("a/b;q=0.1,", 100_000)+"text/csv")
	allocs := testing.AllocsPerRun(10, func() { server.Negotiate(httptest.NewRecorder(), r, offers...) })
	if allocs > 30 {
		t.Errorf("a huge Accept header: %.0f allocations", allocs)
	}
}

// A problem leaves out the validators and target a handler set for the
// answer it did not give.
func TestProblemDropsHandlerHeaders(t *testing.T) {
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		s.Handle("/x", s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Location", "/x/1")
			return actions.ErrNotFound
		}))
	})
	resp, _ := do(t, "GET", ts.URL+"/x", "")
	if resp.StatusCode != 404 || resp.Header.Get("ETag") != "" || resp.Header.Get("Location") != "" {
		t.Errorf("%d %v", resp.StatusCode, resp.Header)
	}
}

// What no pattern matches gets the server's own answer, behind its
// middleware: 405 with Allow for a path served with other methods, 404
// otherwise; an error page for a browser, a problem for a JSON caller; or
// the handler of Handle("/"), when there is one.
func TestUnmatched(t *testing.T) {
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		s.Handle("GET /things/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		s.Handle("POST /things/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	})
	json := []string{"Accept", "application/json"}
	for _, tc := range []struct {
		method, path string
		headers      []string
		status       int
		allow, ctype string
	}{
		{"GET", "/nowhere", nil, 404, "", "text/html; charset=utf-8"},
		{"GET", "/nowhere", json, 404, "", "application/problem+json"},
		{"DELETE", "/things/1", nil, 405, "GET, HEAD, POST", "text/plain; charset=utf-8"},
		{"DELETE", "/things/1", json, 405, "GET, HEAD, POST", "application/problem+json"},
		{"GET", "/things/1", nil, 200, "", ""},
	} {
		resp, body := do(t, tc.method, ts.URL+tc.path, "", tc.headers...)
		if resp.StatusCode != tc.status || resp.Header.Get("Allow") != tc.allow ||
			(tc.ctype != "" && resp.Header.Get("Content-Type") != tc.ctype) {
			t.Errorf("%s %s %v: %d Allow %q %q: %.80s", tc.method, tc.path, tc.headers, resp.StatusCode,
				resp.Header.Get("Allow"), resp.Header.Get("Content-Type"), body)
		}
		if tc.status == 404 && tc.ctype == "text/html; charset=utf-8" && !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src") {
			t.Errorf("the 404 page has no page headers: %v", resp.Header)
		}
	}
	ts = apiServer(t, server.Config{}, func(s *server.Server) {
		s.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(418) }))
	})
	if resp, _ := do(t, "GET", ts.URL+"/nowhere", ""); resp.StatusCode != 418 {
		t.Errorf("Handle(\"/\"): %d, want its 418", resp.StatusCode)
	}
}
