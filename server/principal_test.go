package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
	"github.com/formwork-dev/formwork/views"
)

// The page morphed in after an htmx action shows the principal as the
// mutation left it, as a fresh load would: a renamed user sees the new
// name at once, and so does one whose session cookie the action replaced.
func TestPageAfterActionShowsTheCurrentPrincipal(t *testing.T) {
	type Rename struct {
		Name string `form:"name" validate:"required"`
	}
	var name atomic.Value
	name.Store("Ann")
	rename := actions.New("user.rename", func(ctx context.Context, in Rename) (struct{}, error) {
		if in.Name == "Bea" { // a new session, as a sign-in would set
			actions.SetCookie(ctx, &http.Cookie{Name: "who", Value: "Bea", Path: "/"})
		} else {
			name.Store(in.Name)
		}
		return struct{}{}, nil
	}, actions.SignedIn())
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys()})
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Register(rename); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Actions: reg, Logger: discard, Authenticate: func(r *http.Request) (actions.Principal, error) {
		if c, err := r.Cookie("who"); err == nil {
			return member{c.Value, "member"}, nil
		}
		return member{name.Load().(string), "member"}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Page("/profile", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		header := templ.Raw("<header>Signed in as " + actions.PrincipalFrom(r.Context()).Subject() + "</header>")
		return templ.Join(header, views.Form(rename, res, views.FormOptions{})), nil
	})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	for _, newName := range []string{"Ada", "Bea"} {
		form := url.Values{"_action": {rename.ID()}, "_form": {views.DOMID(rename, "")}, "name": {newName}}
		req, err := http.NewRequestWithContext(t.Context(), "POST", ts.URL+"/profile", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if newName == "Bea" {
			req.Header.Set("Cookie", "theme=dark; who=Old") // the session the action replaces
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Signed in as "+newName) || resp.Header.Get("HX-Retarget") != "body" {
			t.Errorf("%s: got %d %v:\n%s", newName, resp.StatusCode, resp.Header, body)
		}
	}
}
