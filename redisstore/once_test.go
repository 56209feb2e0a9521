package redisstore_test

import (
	"testing"
	"time"

	"github.com/formwork-dev/formwork/redisstore"
)

// claim claims token until expires, and checks what Claim says.
func claim(t *testing.T, s *redisstore.OnceStore, token string, expires time.Time, wantFirst bool, wantOutcome string) {
	t.Helper()
	first, outcome, err := s.Claim(t.Context(), token, expires)
	if err != nil {
		t.Fatalf("Claim(%q): %v", token, err)
	}
	if first != wantFirst || outcome != wantOutcome {
		t.Fatalf("Claim(%q) = %v, %q; want %v, %q", token, first, outcome, wantFirst, wantOutcome)
	}
}

func TestOnceStore(t *testing.T) {
	srv := startRedis(t)
	a := redisstore.NewOnceStore(srv.client(), redisstore.Options{Prefix: "test:"})
	b := redisstore.NewOnceStore(srv.client(), redisstore.Options{Prefix: "test:"})
	later := time.Now().Add(time.Hour)

	claim(t, a, "form", later, true, "")
	claim(t, a, "form", later, false, "") // the first call runs
	claim(t, b, "form", later, false, "") // on another instance too
	mustDo(t, "Settle", a.Settle(t.Context(), "form", "303 /invoices/7"))
	claim(t, b, "form", later, false, "303 /invoices/7")
	claim(t, a, "form", later, false, "303 /invoices/7")
	if at := srv.do("PEXPIRETIME", "test:once:form"); at != later.UnixMilli() {
		t.Errorf("PEXPIRETIME of a settled token = %v, want %d", at, later.UnixMilli())
	}

	claim(t, a, "refused", later, true, "")
	mustDo(t, "Release", a.Release(t.Context(), "refused"))
	claim(t, b, "refused", later, true, "") // may be sent again
	claim(t, a, "refused", later, false, "")

	mustDo(t, "Settle of a token never claimed", a.Settle(t.Context(), "never", "x"))
	if n := srv.do("EXISTS", "test:once:never"); n != int64(0) {
		t.Error("Settle of a token never claimed stored it")
	}
	mustDo(t, "Release of a token never claimed", a.Release(t.Context(), "never"))
}

func TestOnceStoreExpiry(t *testing.T) {
	srv := startRedis(t)
	s := redisstore.NewOnceStore(srv.client(), redisstore.Options{Prefix: "test:"})
	soon := time.Now().Add(200 * time.Millisecond)
	claim(t, s, "soon", soon, true, "")
	claim(t, s, "soon", soon, false, "")
	time.Sleep(time.Until(soon) + 10*time.Millisecond) // Redis's clock: no fake one reaches it
	claim(t, s, "soon", time.Now().Add(time.Hour), true, "")

	past := time.Now().Add(-time.Minute)
	claim(t, s, "past", past, true, "")
	claim(t, s, "past", past, true, "") // nothing kept
}

func TestOnceStoreServerDown(t *testing.T) {
	srv := startRedis(t)
	s := redisstore.NewOnceStore(srv.client(), redisstore.Options{})
	srv.kill()
	failsFast(t, "Claim", func() error {
		_, _, err := s.Claim(withTimeout(t, 2*time.Second), "x", time.Now().Add(time.Hour))
		return err
	})
	failsFast(t, "Settle", func() error { return s.Settle(withTimeout(t, 2*time.Second), "x", "y") })
	failsFast(t, "Release", func() error { return s.Release(withTimeout(t, 2*time.Second), "x") })
}
