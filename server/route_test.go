package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
)

// newRouteServer serves one route at /things over loopback.
func newRouteServer(t *testing.T, rt func(s *server.Server) http.Handler) *httptest.Server {
	t.Helper()
	return newRouteServerAt(t, "/things", rt)
}

// newRouteServerAt serves one route at pattern over loopback.
func newRouteServerAt(t *testing.T, pattern string, rt func(s *server.Server) http.Handler) *httptest.Server {
	t.Helper()
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys()})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Actions: reg, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle(pattern, rt(srv))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

func send(t *testing.T, method, url string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// A route answers its methods; HEAD is GET without a body; OPTIONS is 204
// with a sorted Allow; any other method is a 405 problem with it.
func TestRouteMethods(t *testing.T) {
	ts := newRouteServer(t, func(s *server.Server) http.Handler {
		return s.Route().
			Post(func(w http.ResponseWriter, r *http.Request) error { w.WriteHeader(201); return nil }).
			Get(func(w http.ResponseWriter, r *http.Request) error {
				w.Header().Set("Content-Type", "text/plain")
				w.Header().Set("X-Kind", "thing")
				io.WriteString(w, "a thing")
				return nil
			})
	})
	const allow = "GET, HEAD, OPTIONS, POST"
	for _, tc := range []struct {
		method string
		status int
		body   string
		allow  string
	}{
		{"GET", 200, "a thing", ""},
		{"HEAD", 200, "", ""},
		{"POST", 201, "", ""},
		{"OPTIONS", 204, "", allow},
		{"DELETE", 405, `"status":405`, allow},
		{"PATCH", 405, `"title":"Method Not Allowed"`, allow},
	} {
		resp, body := send(t, tc.method, ts.URL+"/things", nil)
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.body) || resp.Header.Get("Allow") != tc.allow {
			t.Errorf("%s: %d %q, Allow %q", tc.method, resp.StatusCode, body, resp.Header.Get("Allow"))
		}
		if tc.method == "HEAD" && (resp.Header.Get("X-Kind") != "thing" || body != "") {
			t.Errorf("HEAD: headers %v, body %q", resp.Header, body)
		}
		if tc.status == 405 && resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: Content-Type %q", tc.method, resp.Header.Get("Content-Type"))
		}
	}
}

// An error a handler returns is a problem: its kind picks the status from
// the one table, field errors keep the actions' key space, sorted, and an
// internal error shows a digest and nothing of its cause.
func TestRouteProblems(t *testing.T) {
	errs := map[string]error{
		"invalid":  actions.Invalid(map[string]string{"items.0.qty": "Enter a number.", "email": "Enter a valid email address."}),
		"missing":  actions.ErrNotFound,
		"busy":     actions.TooManyRequests(90 * time.Second),
		"internal": errors.New("the database password is hunter2"),
	}
	ts := newRouteServer(t, func(s *server.Server) http.Handler {
		return s.Route().Get(func(w http.ResponseWriter, r *http.Request) error { return errs[r.URL.Query().Get("e")] })
	})
	for name, want := range map[string]server.Problem{
		"invalid": {Type: "about:blank", Title: "Unprocessable Entity", Status: 422, Detail: "Please correct the errors below.", Kind: "invalid",
			Errors: []server.ProblemField{{Location: "email", Message: "Enter a valid email address."}, {Location: "items.0.qty", Message: "Enter a number."}}},
		"missing": {Type: "about:blank", Title: "Not Found", Status: 404, Detail: "That no longer exists.", Kind: "not_found"},
		"busy":    {Type: "about:blank", Title: "Too Many Requests", Status: 429, Detail: "Too many attempts. Try again in 90 seconds.", Kind: "too_many_requests"},
	} {
		resp, body := send(t, "GET", ts.URL+"/things?e="+name, nil)
		var got server.Problem
		if err := json.Unmarshal([]byte(body), &got); err != nil || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s: %v %q", name, err, body)
		}
		if diff := cmp.Diff(want, got); diff != "" || resp.StatusCode != want.Status {
			t.Errorf("%s: %d (-want +got):\n%s", name, resp.StatusCode, diff)
		}
		if name == "busy" && resp.Header.Get("Retry-After") != "90" {
			t.Errorf("busy: Retry-After %q", resp.Header.Get("Retry-After"))
		}
	}
	resp, body := send(t, "GET", ts.URL+"/things?e=internal", nil)
	var got server.Problem
	json.Unmarshal([]byte(body), &got)
	if resp.StatusCode != 500 || got.Digest == "" || strings.Contains(body, "hunter2") {
		t.Fatalf("internal: %d %s", resp.StatusCode, body)
	}
}

// A handler that fails after it wrote keeps what it wrote: no problem is
// appended to a half-sent answer.
func TestRouteFailsAfterWriting(t *testing.T) {
	ts := newRouteServer(t, func(s *server.Server) http.Handler {
		return s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			io.WriteString(w, "partial")
			return context.Canceled
		})
	})
	resp, body := send(t, "GET", ts.URL+"/things", nil)
	if resp.StatusCode != 200 || body != "partial" {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
}

// A route refuses a second handler for a method, and HEAD or OPTIONS,
// which it answers itself.
func TestRouteMethodPanics(t *testing.T) {
	reg, _ := actions.NewRegistry(actions.Config{Keys: testKeys()})
	srv, _ := server.New(server.Config{Actions: reg, Logger: discard})
	h := func(w http.ResponseWriter, r *http.Request) error { return nil }
	for name, f := range map[string]func(){
		"HEAD":    func() { srv.Route().Method("HEAD", h) },
		"options": func() { srv.Route().Method("options", h) },
		"twice":   func() { srv.Route().Get(h).Get(h) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
