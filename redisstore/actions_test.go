package redisstore_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/keyring"
	"github.com/formwork-dev/formwork/redisstore"
)

// Note is the input of the instances' action.
type Note struct {
	Text string `form:"text" validate:"required"`
}

// instance is one instance of an app whose action is Once and limited to
// two calls a minute per client address, both kept in Redis.
type instance struct {
	reg *actions.Registry
	add *actions.Action[Note, int64]
}

// newInstance returns an instance over its own client of srv; every
// instance counts its runs in ran.
func newInstance(t *testing.T, srv *redisServer, ran *atomic.Int64) *instance {
	t.Helper()
	rdb := srv.client()
	opts := redisstore.Options{Prefix: "app:"}
	keys, err := keyring.New([]byte("the instances' secret of 32 B!!!"))
	mustDo(t, "keyring", err)
	reg, err := actions.NewRegistry(actions.Config{Keys: keys, OnceStore: redisstore.NewOnceStore(rdb, opts)})
	mustDo(t, "NewRegistry", err)
	add := actions.New("note.add", func(ctx context.Context, in Note) (int64, error) {
		n := ran.Add(1)
		actions.Redirect(ctx, fmt.Sprintf("/notes/%d", n))
		return n, nil
	}, actions.Public(), actions.Once(),
		actions.Limit(redisstore.NewLimiter(rdb, 2, time.Minute, opts), actions.ByAddress()))
	mustDo(t, "Register", reg.Register(add))
	return &instance{reg, add}
}

// send posts the form with its one-time token to the instance.
func (in *instance) send(token string) *actions.Result {
	body := url.Values{"_action": {in.add.ID()}, "_once": {token}, "text": {"hello"}}
	req := httptest.NewRequest("POST", "/notes", strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return in.reg.Invoke(httptest.NewRecorder(), req, "")
}

// A form rendered by one instance and sent to both runs once; the second
// gets the first one's outcome. Both instances count calls against one
// allowance.
func TestActionsAcrossInstances(t *testing.T) {
	srv := startRedis(t)
	var ran atomic.Int64
	a, b := newInstance(t, srv, &ran), newInstance(t, srv, &ran)
	token, err := a.add.OnceToken()
	mustDo(t, "OnceToken", err)

	first, second := a.send(token), b.send(token)
	if !first.OK() || first.Redirect != "/notes/1" {
		t.Fatalf("first submission: %+v", first)
	}
	if !second.OK() || second.Redirect != "/notes/1" || ran.Load() != 1 {
		t.Fatalf("second submission, on the other instance: %+v, %d runs", second, ran.Load())
	}

	other, err := b.add.OnceToken()
	mustDo(t, "OnceToken", err)
	if third := b.send(other); third.Kind != actions.KindTooManyRequests || third.RetryAfterSeconds() < 1 {
		t.Fatalf("a third call from one address, of two a minute: %+v", third)
	}
}
