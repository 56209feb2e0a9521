package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
)

// apiServer serves routes over loopback, with a bearer token per user:
// "Bearer ann" is a member, "Bearer root" an admin.
func apiServer(t *testing.T, cfg server.Config, mount func(s *server.Server)) *httptest.Server {
	t.Helper()
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys()})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Actions, cfg.Logger = reg, discard
	cfg.Authenticate = func(r *http.Request) (actions.Principal, error) {
		switch server.BearerToken(r) {
		case "ann":
			return member{name: "ann", role: "member"}, nil
		case "root":
			return member{name: "root", role: "admin"}, nil
		}
		return nil, nil
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mount(srv)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// do sends a request with headers (pairs of name and value).
func do(t *testing.T, method, url, body string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		req.Body = http.NoBody
	}
	for i := 0; i < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no redirect followed
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func problemIn(t *testing.T, body string) server.Problem {
	t.Helper()
	var p server.Problem
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("not a problem: %v\n%s", err, body)
	}
	return p
}

type newThing struct {
	Name  string `form:"name" json:"name" validate:"required,max=20"`
	Count int    `form:"count" json:"count" validate:"min=1"`
}

// A route's input goes through the seams of an action: a policy without
// input before the body is read, the same decoder and validator, the same
// field keys in a 422 problem, and never a value echoed.
func TestAcceptDecodesAsActionsDo(t *testing.T) {
	var got []newThing
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		s.Handle("/things", s.Route().Post(server.Decoded(s, actions.SignedIn(),
			func(w http.ResponseWriter, r *http.Request, in newThing) error {
				got = append(got, in)
				return server.JSON(w, http.StatusCreated, in)
			})))
	})
	url := ts.URL + "/things"
	const json = "application/json"
	for _, tc := range []struct {
		name, ctype, body, token string
		status                   int
		fields                   map[string]string
	}{
		{"json", json, `{"name":"bolt","count":3}`, "ann", 201, nil},
		{"form", "application/x-www-form-urlencoded", "name=nut&count=2", "ann", 201, nil},
		{"no token", json, `{"name":"bolt","count":3}`, "", 401, nil},
		{"unknown field", json, `{"name":"bolt","count":3,"admin":true}`, "ann", 400, nil},
		{"trailing data", json, `{"name":"bolt","count":3}{}`, "ann", 400, nil},
		{"not json", json, `{"name":`, "ann", 400, nil},
		{"wrong type", json, `{"name":"bolt","count":"many"}`, "ann", 422, map[string]string{"count": "Enter a whole number."}},
		{"invalid", json, `{"name":"","count":0}`, "ann", 422, map[string]string{"name": "This field is required.", "count": "This must be at least 1."}},
		{"unknown form field", "application/x-www-form-urlencoded", "name=nut&count=2&x=1", "ann", 400, nil},
		{"text", "text/plain", "bolt", "ann", 415, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			headers := []string{"Content-Type", tc.ctype}
			if tc.token != "" {
				headers = append(headers, "Authorization", "Bearer "+tc.token)
			}
			resp, body := do(t, "POST", url, tc.body, headers...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.status < 400 {
				return
			}
			p := problemIn(t, body)
			if resp.Header.Get("Content-Type") != "application/problem+json" || p.Status != tc.status || p.Detail == "" {
				t.Errorf("problem %+v, Content-Type %q", p, resp.Header.Get("Content-Type"))
			}
			if tc.status == 401 && resp.Header.Get("WWW-Authenticate") != "Bearer" {
				t.Errorf("401 without a Bearer challenge: %q", resp.Header.Get("WWW-Authenticate"))
			}
			if strings.Contains(body, "many") {
				t.Errorf("the problem echoes the value sent: %s", body)
			}
			if tc.fields != nil {
				fields := map[string]string{}
				for _, f := range p.Errors {
					fields[f.Location] = f.Message
				}
				if diff := cmp.Diff(tc.fields, fields); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			}
		})
	}
	if want := []newThing{{"bolt", 3}, {"nut", 2}}; !cmp.Equal(got, want) {
		t.Errorf("handled %v, want only the valid ones %v", got, want)
	}
}

// A policy that needs the input runs after validation; one that needs none
// runs before the body is read, so a refused caller costs no parsing.
func TestAcceptPolicies(t *testing.T) {
	onlyOwnName := actions.Authorize(func(_ context.Context, p actions.Principal, in newThing) error {
		if p == nil {
			return actions.ErrUnauthenticated
		}
		if in.Name != p.Subject() {
			return actions.ErrForbidden
		}
		return nil
	})
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		ok := func(w http.ResponseWriter, r *http.Request, in newThing) error { w.WriteHeader(204); return nil }
		s.Handle("/own", s.Route().Post(server.Decoded(s, onlyOwnName, ok)))
		s.Handle("/admin", s.Route().Post(server.Decoded(s, actions.RequireRole("admin"), ok)).
			Get(server.Guard(actions.RequireRole("admin"), func(w http.ResponseWriter, r *http.Request) error { return nil })))
	})
	for _, tc := range []struct {
		path, body, token string
		status            int
	}{
		{"/own", `{"name":"ann","count":1}`, "ann", 204},
		{"/own", `{"name":"bob","count":1}`, "ann", 403},
		{"/own", `{"name":"","count":1}`, "ann", 422}, // validation first
		{"/admin", `{"name":"x","count":1}`, "root", 204},
		{"/admin", `{"name":"x","count":1}`, "ann", 403},
		{"/admin", `not even json`, "ann", 403}, // refused before reading
	} {
		resp, body := do(t, "POST", ts.URL+tc.path, tc.body, "Content-Type", "application/json", "Authorization", "Bearer "+tc.token)
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s as %s: %d, want %d: %s", tc.path, tc.body, tc.token, resp.StatusCode, tc.status, body)
		}
	}
	if resp, _ := do(t, "GET", ts.URL+"/admin", "", "Authorization", "Bearer ann"); resp.StatusCode != 403 {
		t.Errorf("Allow let a member in: %d", resp.StatusCode)
	}
}

// A body over the route's cap is 413: from its first read when its length
// says so, before a byte of it is read, and from the read that passes the
// cap when it streams. A policy runs first: a caller it refuses gets 401,
// and learns nothing of the cap.
func TestRouteBodyCap(t *testing.T) {
	ts := apiServer(t, server.Config{}, func(s *server.Server) {
		s.Handle("/raw", s.Route().MaxBytes(10).Post(server.Guard(actions.Public(), func(w http.ResponseWriter, r *http.Request) error {
			body, err := s.ReadBody(r)
			if err != nil {
				return err
			}
			_, err = w.Write(body)
			return err
		})))
		s.Handle("/guarded", s.Route().MaxBytes(10).Post(server.Decoded(s, actions.SignedIn(),
			func(w http.ResponseWriter, r *http.Request, in newThing) error { return nil })))
	})
	if resp, body := do(t, "POST", ts.URL+"/raw", "0123456789"); resp.StatusCode != 200 || body != "0123456789" {
		t.Errorf("at the cap: %d %q", resp.StatusCode, body)
	}
	resp, body := do(t, "POST", ts.URL+"/raw", "0123456789!")
	if p := problemIn(t, body); resp.StatusCode != 413 || p.Detail != "The submission is larger than 10 bytes." {
		t.Errorf("over the cap: %d %+v", resp.StatusCode, p)
	}
	if resp, _ := do(t, "POST", ts.URL+"/guarded", strings.Repeat("x", 100), "Content-Type", "application/json"); resp.StatusCode != 401 {
		t.Errorf("over the cap, signed out: %d, want 401", resp.StatusCode)
	}
	if resp, _ := do(t, "POST", ts.URL+"/guarded", strings.Repeat("x", 100), "Content-Type", "application/json", "Authorization", "Bearer ann"); resp.StatusCode != 413 {
		t.Errorf("over the cap, signed in: %d, want 413", resp.StatusCode)
	}
	// Chunked, with no Content-Length: the read past the cap fails.
	req, _ := http.NewRequest("POST", ts.URL+"/raw", strings.NewReader(strings.Repeat("x", 100)))
	req.ContentLength = -1
	req.Body = io.NopCloser(struct{ io.Reader }{strings.NewReader(strings.Repeat("x", 100))})
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != 413 {
		t.Errorf("chunked over the cap: %d, want 413", resp2.StatusCode)
	}
}

// A policy that cannot guard a handler is refused when the route is set
// up, not on every request.
func TestGuardRefusesUnfitPolicies(t *testing.T) {
	s, _ := server.New(server.Config{Actions: mustRegistry(t)})
	other := actions.Authorize(func(context.Context, actions.Principal, struct{ X int }) error { return nil })
	handle := func(w http.ResponseWriter, r *http.Request, in newThing) error { return nil }
	for name, setUp := range map[string]func(){
		"Guard, zero policy":        func() { server.Guard(actions.Policy{}, ok204) },
		"Guard, input policy":       func() { server.Guard(other, ok204) },
		"Decoded, zero policy":      func() { server.Decoded(s, actions.Policy{}, handle) },
		"Decoded, other input type": func() { server.Decoded(s, other, handle) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: set up without a panic", name)
				}
			}()
			setUp()
		}()
	}
}
