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

// With JavaScript off, a form of a Once action sent twice (a double click,
// a resent POST) runs once: the first gets its 303, the second the page
// with 409 and words that say the form was already sent.
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
	for i, want := range []int{303, 409} {
		resp, page := a.do(t, call{path: "/add", body: strings.NewReader(body)})
		if resp.StatusCode != want || (want == 409 && !strings.Contains(page, "This form was already submitted.")) {
			t.Fatalf("submission %d: %d\n%s", i+1, resp.StatusCode, page)
		}
	}
	for _, c := range []server.Caller{server.CallerHTMX, server.CallerJSON} {
		resp, _ := a.do(t, call{path: "/add", body: strings.NewReader(body), caller: c})
		if resp.StatusCode != 409 {
			t.Errorf("caller %v: %d", c, resp.StatusCode)
		}
	}
	if ran.Load() != 1 {
		t.Fatalf("the mutation ran %d times", ran.Load())
	}
}
