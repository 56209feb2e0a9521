package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
	"github.com/formwork-dev/formwork/views"
)

// A form of a Once action sent twice (a double click, a resent POST with
// JavaScript off) runs once, and both submissions get its outcome.
func TestOnceFormSentTwice(t *testing.T) {
	a := newApp(t, false)
	var ran atomic.Int64
	add := actions.New("note.add", func(ctx context.Context, in Archive) (int64, error) {
		actions.SetMessage(ctx, "Added.")
		return ran.Add(1), nil
	}, actions.Public(), actions.Once())
	if err := a.reg.Register(add); err != nil {
		t.Fatal(err)
	}
	a.srv.Page("/add", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		return views.Form(add, res, views.FormOptions{}), nil
	})
	_, page := a.do(t, call{method: "GET", path: "/add"})
	once := regexp.MustCompile(`name="_once" value="([^"]+)"`).FindStringSubmatch(page)
	if once == nil {
		t.Fatalf("no one-time token in the form:\n%s", page)
	}
	body := url.Values{"_action": {add.ID()}, "_once": {once[1]}, "id": {"7"}}.Encode()
	// A browser lands back on the page, the message flashed, both times.
	for i := range 2 {
		resp, _ := a.do(t, call{path: "/add", body: strings.NewReader(body)})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/add" || !hasCookie(resp, "fw_flash") {
			t.Fatalf("submission %d: %d %v", i+1, resp.StatusCode, resp.Header)
		}
	}
	// htmx gets the page, with the message; JSON the result.
	for _, c := range []server.Caller{server.CallerHTMX, server.CallerJSON} {
		resp, page := a.do(t, call{path: "/add", body: strings.NewReader(body), caller: c})
		if resp.StatusCode != 200 || !strings.Contains(page, "Added.") {
			t.Errorf("caller %v: %d\n%s", c, resp.StatusCode, page)
		}
	}
	if ran.Load() != 1 {
		t.Fatalf("the mutation ran %d times", ran.Load())
	}
}
