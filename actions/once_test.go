package actions_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/actions"
)

// Entry is the input of a Once action.
type Entry struct {
	Title string `form:"title" json:"title" validate:"required"`
}

type onceApp struct {
	reg  *actions.Registry
	add  *actions.Action[Entry, int64]
	ran  atomic.Int64
	fail atomic.Bool // the next mutation fails
}

func newOnceApp(t *testing.T, ttl time.Duration) *onceApp {
	t.Helper()
	a := &onceApp{}
	reg, err := actions.NewRegistry(actions.Config{Keys: ring(secret), OnceTTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	a.reg = reg
	a.add = actions.New("entry.add", func(ctx context.Context, in Entry) (int64, error) {
		if a.fail.CompareAndSwap(true, false) {
			return 0, errors.New("the database is down")
		}
		if in.Title == "taken" { // a refusal from the mutation itself
			return 0, actions.Invalid(map[string]string{"title": "That title is taken."})
		}
		n := a.ran.Add(1)
		actions.Redirect(ctx, fmt.Sprintf("/entries/%d", n))
		actions.SetMessage(ctx, fmt.Sprintf("Entry %d added.", n))
		return n, nil
	}, actions.Public(), actions.Once())
	if err := reg.Register(a.add); err != nil {
		t.Fatal(err)
	}
	return a
}

func (a *onceApp) send(t *testing.T, token string) *actions.Result {
	vals := url.Values{"_action": {a.add.ID()}, "title": {"hello"}}
	if token != "" {
		vals.Set("_once", token)
	}
	return post(t, a.reg, t.Context(), "", urlencoded, form(vals))
}

func (a *onceApp) token(t *testing.T) string {
	tok, err := a.add.OnceToken()
	if err != nil || tok == "" {
		t.Fatalf("OnceToken = %q, %v", tok, err)
	}
	return tok
}

// A rendered form runs its Once action at most once; a second submission
// runs nothing and gets the first one's outcome: where it went, and what
// it said.
func TestOnceRunsARenderedFormOnce(t *testing.T) {
	a := newOnceApp(t, 0)
	tok := a.token(t)
	if res := a.send(t, tok); !res.OK() {
		t.Fatalf("first: %+v", res)
	}
	res := a.send(t, tok)
	if !res.OK() || res.Redirect != "/entries/1" || res.Message != "Entry 1 added." || a.ran.Load() != 1 {
		t.Fatalf("second: %+v, ran %d", res, a.ran.Load())
	}
	if res := a.send(t, a.token(t)); !res.OK() || a.ran.Load() != 2 {
		t.Fatalf("a form rendered anew runs: %+v", res)
	}
}

// A mutation that refused spends nothing: the same form may be sent again.
// One that failed otherwise may have written first, so its token stays
// spent, and a resend is told the form was already submitted.
func TestOnceAfterAFailure(t *testing.T) {
	a := newOnceApp(t, 0)
	tok := a.token(t)
	vals := url.Values{"_action": {a.add.ID()}, "_once": {tok}, "title": {"taken"}}
	if res := post(t, a.reg, t.Context(), "", urlencoded, form(vals)); res.Status != actions.StatusInvalid {
		t.Fatalf("invalid: %+v", res)
	}
	if res := a.send(t, tok); !res.OK() {
		t.Fatalf("after a refusal: %+v", res)
	}
	tok = a.token(t)
	a.fail.Store(true)
	if res := a.send(t, tok); res.Kind != actions.KindInternal {
		t.Fatalf("failing: %+v", res)
	}
	if res := a.send(t, tok); res.Kind != actions.KindConflict || a.ran.Load() != 1 {
		t.Fatalf("after an internal failure: %+v, ran %d", res, a.ran.Load())
	}
}

// Of many submissions of one form at the same moment, one runs; the others
// wait for its outcome, and get it.
func TestOnceUnderConcurrency(t *testing.T) {
	a := newOnceApp(t, 0)
	tok := a.token(t)
	var wg sync.WaitGroup
	var same atomic.Int64
	for range 32 {
		wg.Go(func() {
			if res := a.send(t, tok); res.OK() && res.Redirect == "/entries/1" {
				same.Add(1)
			}
		})
	}
	wg.Wait()
	if same.Load() != 32 || a.ran.Load() != 1 {
		t.Fatalf("%d got the outcome, %d ran", same.Load(), a.ran.Load())
	}
}

// Bad tokens are refused before the mutation, each with words that say
// what is wrong.
func TestOnceRefusesBadTokens(t *testing.T) {
	a := newOnceApp(t, 0)
	stale := newOnceApp(t, time.Nanosecond)
	tampered := []byte(a.token(t))
	tampered[5] ^= 'A' ^ 'B'
	for name, tc := range map[string]struct {
		app   *onceApp
		token string
		kind  actions.Kind
		says  string
	}{
		"missing":  {a, "", actions.KindMalformed, "no one-time token"},
		"tampered": {a, string(tampered), actions.KindMalformed, "altered"},
		"expired":  {stale, stale.token(t), actions.KindConflict, "expired"},
		"garbage":  {a, "not a token", actions.KindMalformed, "altered"},
	} {
		res := tc.app.send(t, tc.token)
		if res.Kind != tc.kind || !strings.Contains(res.Error, tc.says) || tc.app.ran.Load() != 0 {
			t.Errorf("%s: %+v", name, res)
		}
	}
	// JSON callers need no token; with one in the header it holds too.
	for range 2 {
		req := httptestJSON(t, a.add.ID(), `{"title":"json"}`, "")
		if res := a.reg.Invoke(req.w, req.r, a.add.ID()); !res.OK() {
			t.Fatalf("JSON without a token: %+v", res)
		}
	}
	tok := a.token(t)
	first := httptestJSON(t, a.add.ID(), `{"title":"json"}`, tok)
	again := httptestJSON(t, a.add.ID(), `{"title":"json"}`, tok)
	if res := a.reg.Invoke(first.w, first.r, a.add.ID()); !res.OK() {
		t.Fatalf("JSON with a token: %+v", res)
	}
	if res := a.reg.Invoke(again.w, again.r, a.add.ID()); !res.OK() || res.Redirect == "" || a.ran.Load() != 3 {
		t.Fatalf("JSON with a spent token: %+v, ran %d", res, a.ran.Load())
	}
}

func TestMemoryOnceStoreBoundsAndExpiry(t *testing.T) {
	s := &actions.MemoryOnceStore{Max: 2}
	ctx, later := t.Context(), time.Now().Add(time.Hour)
	for _, tok := range []string{"a", "b", "c"} {
		if ok, _, _ := s.Claim(ctx, tok, later); !ok {
			t.Fatalf("%s: not claimed", tok)
		}
	}
	if ok, _, _ := s.Claim(ctx, "c", later); ok {
		t.Fatal("c claimed twice")
	}
	if ok, _, _ := s.Claim(ctx, "a", later); !ok {
		t.Fatal("the oldest token is kept over Max")
	}
	if ok, _, _ := s.Claim(ctx, "x", time.Now().Add(-time.Second)); !ok {
		t.Fatal("x")
	}
	if ok, _, _ := s.Claim(ctx, "x", later); !ok {
		t.Fatal("an expired token is still spent")
	}
	s.Release(ctx, "a")
	if ok, _, _ := s.Claim(ctx, "a", later); !ok {
		t.Fatal("a released token stays spent")
	}
	if ok, outcome, _ := s.Claim(ctx, "a", later); ok || outcome != "" {
		t.Fatalf("a running first call: %v %q", ok, outcome)
	}
	s.Settle(ctx, "a", "went to /a")
	if ok, outcome, _ := s.Claim(ctx, "a", later); ok || outcome != "went to /a" {
		t.Fatalf("a settled token: %v %q", ok, outcome)
	}
}

type jsonRequest struct {
	w *httptest.ResponseRecorder
	r *http.Request
}

func httptestJSON(t *testing.T, id, body, once string) jsonRequest {
	r := httptest.NewRequestWithContext(t.Context(), "POST", "/_actions/"+id, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if once != "" {
		r.Header.Set(actions.HeaderOnce, once)
	}
	return jsonRequest{httptest.NewRecorder(), r}
}
