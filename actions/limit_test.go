package actions_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/formwork-dev/formwork/actions"
)

type SignIn struct {
	Email    string `form:"email" validate:"required,email"`
	Password string `form:"password" validate:"required"`
}

// The memory limiter allows n calls per period and key, one more each
// period/n after; a held call counts until it is released, and counts for
// good only when taken; its keys are bounded, the least recently used
// forgotten first.
func TestMemoryLimiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := t.Context()
		l := actions.NewMemoryLimiter(2, time.Minute, 2)
		take := func(key string) time.Duration {
			wait, err := l.Take(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			return wait
		}
		hold := func(key string) (func(bool), time.Duration) {
			release, wait, err := l.Hold(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			return release, wait
		}
		if take("a") != 0 || take("a") != 0 {
			t.Fatal("the first two calls wait")
		}
		if w := take("a"); w != 30*time.Second {
			t.Fatalf("the third call waits %v, want 30s", w)
		}
		if take("b") != 0 {
			t.Fatal("another key waits")
		}
		time.Sleep(30 * time.Second)
		release, w := hold("a")
		if w != 0 {
			t.Fatalf("after 30s a hold waits %v", w)
		}
		if _, w := hold("a"); w != 30*time.Second {
			t.Fatalf("a second hold beside the first waits %v, want 30s", w)
		}
		release(false) // given back
		release, _ = hold("a")
		release(true) // taken
		if w := take("a"); w != 30*time.Second {
			t.Fatalf("after a taken hold the call waits %v", w)
		}
		take("b")
		take("c") // evicts a, the least recently used
		if take("a") != 0 || take("a") != 0 {
			t.Fatal("an evicted key does not start full")
		}
	})
}

// Many holds at the same moment pass only as many as the allowance has,
// and refused calls cost nothing: the key is free again in time.
func TestMemoryLimiterConcurrent(t *testing.T) {
	l := actions.NewMemoryLimiter(3, time.Hour, 0)
	var passed atomic.Int64
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			if release, wait, _ := l.Hold(t.Context(), "k"); wait == 0 {
				passed.Add(1)
				release(true)
			}
			l.Take(t.Context(), "k")
		})
	}
	wg.Wait()
	if passed.Load() > 3 {
		t.Fatalf("%d of 200 holds passed a limit of 3", passed.Load())
	}
	if w, _ := l.Take(t.Context(), "k"); w > 20*time.Minute {
		t.Fatalf("refused calls pushed the wait to %v", w)
	}
}

// LimitFailures by email counts wrong passwords only, per email; over the
// limit the call is 429 with the wait, and the mutation does not run.
// Limit by address counts every call, before the body is read.
func TestLimits(t *testing.T) {
	reg, err := actions.NewRegistry(actions.Config{Keys: ring([]byte(strings.Repeat("k", 32)))})
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	signIn := actions.New("auth.signin", func(ctx context.Context, in SignIn) (string, error) {
		ran++
		if in.Password != "right" {
			return "", actions.Invalid(map[string]string{"password": "Wrong password."})
		}
		return in.Email, nil
	}, actions.Public(),
		actions.LimitFailures(actions.NewMemoryLimiter(3, 15*time.Minute, 0), actions.ByField("email")),
		actions.Limit(actions.NewMemoryLimiter(7, time.Minute, 0), actions.ByAddress()))
	if err := reg.Register(signIn); err != nil {
		t.Fatal(err)
	}
	send := func(addr, email, password string) *actions.Result {
		body := url.Values{"_action": {signIn.ID()}, "email": {email}, "password": {password}}.Encode()
		req := httptest.NewRequest("POST", "/login", strings.NewReader(body))
		req.Header.Set("Content-Type", urlencoded)
		req.RemoteAddr = addr + ":1234"
		return reg.Invoke(httptest.NewRecorder(), req, "")
	}
	// A form that validation stops before the mutation is no failure.
	if res := send("10.0.0.1", "ann@example.com", ""); res.Kind != actions.KindInvalid || ran != 0 {
		t.Fatalf("an empty password: %v, ran %d", res.Kind, ran)
	}
	for range 3 {
		if res := send("10.0.0.1", "ann@example.com", "wrong"); res.Kind != actions.KindInvalid {
			t.Fatalf("a wrong password: %v %s", res.Kind, res.Error)
		}
	}
	res := send("10.0.0.1", " Ann@Example.com", "right") // the same email
	if res.Kind != actions.KindTooManyRequests || res.RetryAfterSeconds() != 300 || ran != 3 {
		t.Fatalf("the fourth try: %v, retry after %v, ran %d", res.Kind, res.RetryAfter, ran)
	}
	if res := send("10.0.0.1", "bob@example.com", "right"); !res.OK() {
		t.Fatalf("another user, meanwhile: %v %s", res.Kind, res.Error)
	}
	if res := send("10.0.0.1", "bob@example.com", "right"); !res.OK() {
		t.Fatalf("a success costs no failure: %v %s", res.Kind, res.Error)
	}
	// Seven calls from 10.0.0.1 so far: the eighth is over, the body unread.
	if res := send("10.0.0.1", "cy@example.com", "right"); res.Kind != actions.KindTooManyRequests || res.RetryAfterSeconds() != 9 {
		t.Fatalf("over the address limit: %v, retry after %v", res.Kind, res.RetryAfter)
	}
	if res := send("10.0.0.2", "cy@example.com", "right"); !res.OK() {
		t.Fatalf("another address: %v %s", res.Kind, res.Error)
	}
}

// A limit by a field the input does not have fails at start-up.
func TestLimitByUnknownField(t *testing.T) {
	reg, err := actions.NewRegistry(actions.Config{Keys: ring([]byte(strings.Repeat("k", 32)))})
	if err != nil {
		t.Fatal(err)
	}
	h := actions.New("auth.signin", func(ctx context.Context, in SignIn) (string, error) { return "", nil },
		actions.Public(), actions.Limit(actions.NewMemoryLimiter(1, time.Minute, 0), actions.ByField("username")))
	if err := reg.Register(h); err == nil || !strings.Contains(err.Error(), `limit field "username"`) {
		t.Fatalf("got %v", err)
	}
}
