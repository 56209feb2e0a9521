package cache_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/formwork-dev/formwork/cache"
)

// A value is loaded on a miss, served fresh until Revalidate, served
// stale while one refresh runs until Expire, and loaded again, waited
// for, after Expire.
func TestFuncLife(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCache(t, cache.Config{})
		l := &loader{}
		f := newFunc(t, c, "life", l)

		steps := []struct {
			name  string
			sleep time.Duration // before the Get
			want  string
			stats cache.Stats // after the Get and any refresh
		}{
			{"a miss loads", 0, "a#1", cache.Stats{Misses: 1, Loads: 1}},
			{"a hit does not", 30 * time.Second, "a#1", cache.Stats{Misses: 1, Loads: 1, Hits: 1}},
			{"stale at Revalidate, refreshed behind", 30 * time.Second, "a#1", cache.Stats{Misses: 1, Loads: 2, Hits: 1, Stale: 1}},
			{"the refresh is fresh", 0, "a#2", cache.Stats{Misses: 1, Loads: 2, Hits: 2, Stale: 1}},
			{"gone at Expire, loaded while waiting", short.Expire, "a#3", cache.Stats{Misses: 2, Loads: 3, Hits: 2, Stale: 1}},
		}
		for _, s := range steps {
			time.Sleep(s.sleep)
			if got := get(t, f, "a"); got != s.want {
				t.Errorf("%s: Get = %q, want %q", s.name, got, s.want)
			}
			synctest.Wait()
			if diff := cmp.Diff(s.stats, c.Stats()); diff != "" {
				t.Errorf("%s: Stats (-want +got):\n%s", s.name, diff)
			}
		}
	})
}

// The default profile never expires: a value is served stale, while a
// refresh runs, long after.
func TestFuncDefaultProfileNeverExpires(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCache(t, cache.Config{})
		l := &loader{}
		f, err := cache.NewFunc(c, "forever", cache.ProfileDefault, l.load)
		if err != nil {
			t.Fatal(err)
		}
		get(t, f, "a")
		time.Sleep(10 * 365 * 24 * time.Hour)
		if got := get(t, f, "a"); got != "a#1" {
			t.Errorf("Get ten years on = %q, want the stale a#1", got)
		}
	})
}

// 100 callers of one key while it loads share one load.
func TestFuncOneLoadPerKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCache(t, cache.Config{})
		l := &loader{gate: make(chan struct{})}
		f := newFunc(t, c, "one", l)

		var results []<-chan result
		for range 100 {
			results = append(results, goGet(t.Context(), f, "a"))
		}
		synctest.Wait()
		if n := l.loads(); n != 1 {
			t.Errorf("100 callers started %d loads, want 1", n)
		}
		close(l.gate)
		for _, ch := range results {
			if r := <-ch; r.v != "a#1" || r.err != nil {
				t.Errorf("a caller got %q, %v; want a#1", r.v, r.err)
			}
		}
	})
}

// A loader's error reaches its callers and is not cached: the next Get
// loads again.
func TestFuncErrorNotCached(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCache(t, cache.Config{})
		calls := 0
		f, _ := cache.NewFunc(c, "flaky", "short", func(ctx context.Context, k string) (string, error) {
			if calls++; calls == 1 {
				return "", errors.New("database down")
			}
			return "up", nil
		})
		if _, err := f.Get(t.Context(), "a"); err == nil || err.Error() != "database down" {
			t.Fatalf("first Get: err = %v, want the loader's", err)
		}
		for range 2 {
			if v, err := f.Get(t.Context(), "a"); v != "up" || err != nil {
				t.Fatalf("Get after an error = %q, %v; want up", v, err)
			}
		}
		if calls != 2 {
			t.Errorf("loader called %d times, want 2 (the error, then one value)", calls)
		}
	})
}

// A loader that panics fails its callers' Get; the process goes on.
func TestFuncLoaderPanics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCache(t, cache.Config{})
		f, _ := cache.NewFunc(c, "panics", "short", func(ctx context.Context, k string) (string, error) {
			panic("boom")
		})
		if _, err := f.Get(t.Context(), "a"); err == nil {
			t.Error("Get of a loader that panics returned no error")
		}
	})
}

// A caller whose context ends stops waiting; the load goes on, with a
// context not cancelled, for the callers still waiting.
func TestFuncCallerCancelsAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCache(t, cache.Config{})
		gate := make(chan struct{})
		var loadErr error
		f, _ := cache.NewFunc(c, "shared", "short", func(ctx context.Context, k string) (string, error) {
			<-gate
			loadErr = ctx.Err()
			return "loaded", nil
		})
		leaving, cancel := context.WithCancel(t.Context())
		left := goGet(leaving, f, "a")
		stayed := goGet(t.Context(), f, "a")
		synctest.Wait()

		cancel()
		if r := <-left; !errors.Is(r.err, context.Canceled) {
			t.Errorf("the caller that cancelled got %q, %v; want context.Canceled", r.v, r.err)
		}
		close(gate)
		if r := <-stayed; r.v != "loaded" || r.err != nil {
			t.Errorf("the caller that stayed got %q, %v; want loaded", r.v, r.err)
		}
		if loadErr != nil {
			t.Errorf("the load's context ended: %v", loadErr)
		}
	})
}

// A load ends at the Cache's LoadTimeout, whoever waits.
func TestFuncLoadTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCache(t, cache.Config{LoadTimeout: time.Second})
		f := newFunc(t, c, "slow", &loader{gate: make(chan struct{})})
		start := time.Now()
		if _, err := f.Get(t.Context(), "a"); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Get of a load that never ends: %v, want context.DeadlineExceeded", err)
		}
		if waited := time.Since(start); waited != time.Second {
			t.Errorf("waited %s, want the LoadTimeout", waited)
		}
	})
}

// A stale value is served to every caller at once while one refresh, no
// more, runs behind them.
func TestFuncOneRefreshPerKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCache(t, cache.Config{})
		l := &loader{}
		f := newFunc(t, c, "refresh", l)
		get(t, f, "a")
		time.Sleep(short.Revalidate)

		l.gate = make(chan struct{})
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				if got := get(t, f, "a"); got != "a#1" {
					t.Errorf("a stale read got %q, want a#1 at once", got)
				}
			})
		}
		wg.Wait()
		synctest.Wait()
		if n := l.loads(); n != 2 {
			t.Errorf("50 stale reads ran %d loads in all, want 2 (the first, one refresh)", n)
		}
		close(l.gate)
		synctest.Wait()
		if got := get(t, f, "a"); got != "a#2" {
			t.Errorf("after the refresh, Get = %q, want a#2", got)
		}
	})
}

// Close cancels a refresh in progress and waits for it; the loads that
// Close ended leave no goroutine (synctest.Test would fail), and no load
// starts after it. What was cached is still served.
func TestCloseStopsLoads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCache(t, cache.Config{})
		l := &loader{}
		f := newFunc(t, c, "closing", l)
		get(t, f, "a")
		time.Sleep(short.Revalidate)
		l.gate = make(chan struct{}) // never closed: only Close ends the refresh
		get(t, f, "a")
		synctest.Wait()

		c.Close()
		if got := get(t, f, "a"); got != "a#1" {
			t.Errorf("after Close, a cached key = %q, want a#1", got)
		}
		if _, err := f.Get(t.Context(), "b"); !errors.Is(err, cache.ErrClosed) {
			t.Errorf("after Close, a key to load: err = %v, want ErrClosed", err)
		}
	})
}
