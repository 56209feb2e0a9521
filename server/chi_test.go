package server_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
)

// A page, the action endpoint and each piece of middleware mount in chi as
// they do in http.ServeMux, with chi's own middleware wrapping the
// response writer between them.
func TestMountInChi(t *testing.T) {
	a := newApp(t, false)
	logs := make(records, 16)
	srv, err := server.New(server.Config{Actions: a.reg, Logger: slog.New(logs),
		Authenticate: func(r *http.Request) (actions.Principal, error) {
			if r.Header.Get("X-User") == "ann" {
				return member{"ann", "member"}, nil
			}
			return nil, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	r.Use(srv.LogRequests, srv.RecoverPanics, srv.CrossOrigin, srv.Authenticate)
	r.Use(func(next http.Handler) http.Handler { // a writer wrapper, as chi's logger uses
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(middleware.NewWrapResponseWriter(w, r.ProtoMajor), r)
		})
	})
	r.Handle("/*", srv.PageHandler(func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		return notesPage(a, res), nil
	}))
	r.Handle("/_actions/{id}", srv.ActionHandler())
	a.ts = httptest.NewServer(r)
	t.Cleanup(a.ts.Close)

	for _, tc := range []struct {
		name   string
		call   call
		status int
		want   string // in the body or the Location
		ran    int64
	}{
		{"GET renders", call{method: "GET", user: "ann"}, 200, `name="_action"`, 0},
		{"valid POST redirects back", call{body: a.saveForm(url.Values{"title": {"hello"}}), user: "ann"}, 303, "/notes", 1},
		{"invalid POST re-renders", call{body: a.saveForm(url.Values{"title": {""}}), user: "ann"}, 422, "This field is required.", 0},
		{"not signed in goes to login", call{body: a.saveForm(url.Values{"title": {"x"}})}, 303, "/login?next=%2Fnotes", 0},
		{"cross-origin is refused", call{body: a.saveForm(url.Values{"title": {"x"}}), user: "ann",
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}}}, 403, "Cross-origin request refused.", 0},
		{"other methods get 405", call{method: "PUT", user: "ann"}, 405, "", 0},
		{"a path chi leaves uncleaned never redirects off-site", call{path: "//evil.example/notes", body: a.saveForm(url.Values{"title": {"x"}}), user: "ann"}, 303, "", 1},
		{"action endpoint", call{path: "/_actions/" + a.save.ID(), body: strings.NewReader(`{"title":"json"}`),
			ctype: "application/json", user: "ann", caller: server.CallerJSON}, 200, `"ok":true`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a.ran.Store(0)
			resp, body := a.do(t, tc.call)
			if resp.StatusCode != tc.status || !strings.Contains(body+resp.Header.Get("Location"), tc.want) || a.ran.Load() != tc.ran {
				t.Fatalf("%d, ran %d, Location %q:\n%s", resp.StatusCode, a.ran.Load(), resp.Header.Get("Location"), body)
			}
			if loc := resp.Header.Get("Location"); strings.HasPrefix(loc, "//") {
				t.Errorf("redirected off-site: %q", loc)
			}
			if tc.status == 405 && resp.Header.Get("Allow") != "GET, HEAD, POST" {
				t.Errorf("Allow = %q", resp.Header.Get("Allow"))
			}
			_, attrs := logs.next(t)
			if tc.ran > 0 && attrs["action"] != "note.save" {
				t.Errorf("the log line does not name the action: %v", attrs)
			}
		})
	}
}

// Mounted behind the app's own http.ServeMux, a request the middleware
// refuses still logs the pattern the mux matched.
func TestMountInServeMuxLogsPattern(t *testing.T) {
	a := newApp(t, false)
	logs := make(records, 16)
	srv, err := server.New(server.Config{Actions: a.reg, Logger: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/notes", srv.Middleware(srv.PageHandler(func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		return notesPage(a, res), nil
	})))
	a.ts = httptest.NewServer(mux)
	t.Cleanup(a.ts.Close)
	resp, _ := a.do(t, call{body: a.saveForm(url.Values{"title": {"x"}}), header: http.Header{"Sec-Fetch-Site": {"cross-site"}}})
	if _, attrs := logs.next(t); resp.StatusCode != 403 || attrs["pattern"] != "/notes" || attrs["outcome"] != "cross_origin" {
		t.Fatalf("%d, log %v", resp.StatusCode, attrs)
	}
}

// A page or the action endpoint mounted with no middleware at all still
// refuses a cross-origin POST before any action runs.
func TestHandlersAloneRefuseCrossOrigin(t *testing.T) {
	a := newApp(t, false)
	mux := http.NewServeMux()
	mux.Handle("/notes", a.srv.PageHandler(func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		return notesPage(a, res), nil
	}))
	mux.Handle("/_actions/{id}", a.srv.ActionHandler())
	a.ts = httptest.NewServer(mux)
	t.Cleanup(a.ts.Close)
	for _, path := range []string{"/notes", "/_actions/" + a.upload.ID()} {
		resp, _ := a.do(t, call{path: path, body: strings.NewReader("name=x"), header: http.Header{"Sec-Fetch-Site": {"cross-site"}}})
		if resp.StatusCode != 403 || a.ran.Load() != 0 {
			t.Errorf("%s: %d, ran %d", path, resp.StatusCode, a.ran.Load())
		}
	}
}
