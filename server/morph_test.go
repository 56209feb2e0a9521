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

type Rename struct {
	Name string `form:"name" validate:"required"`
}

// The page morphed in after an htmx action shows the principal as the
// mutation left it: a renamed user sees the new name in the header at
// once, as a fresh load would show it.
func TestPageAfterActionShowsThePrincipalNow(t *testing.T) {
	var name atomic.Value
	name.Store("Ann")
	rename := actions.New("user.rename", func(ctx context.Context, in Rename) (struct{}, error) {
		name.Store(in.Name)
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
	defer ts.Close()
	req, _ := http.NewRequest("POST", ts.URL+"/profile", strings.NewReader(url.Values{"_action": {rename.ID()}, "name": {"Ada"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Signed in as Ada") || resp.Header.Get("HX-Retarget") != "body" {
		t.Fatalf("got %d %v:\n%s", resp.StatusCode, resp.Header, body)
	}
}
