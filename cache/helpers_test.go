package cache_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/cache"
)

// short lives a minute fresh, then stale until ten minutes.
var short = cache.Profile{Revalidate: time.Minute, Expire: 10 * time.Minute}

// newCache returns a Cache with the profile "short", closed when the
// test ends.
func newCache(t *testing.T, cfg cache.Config) *cache.Cache {
	t.Helper()
	if cfg.Profiles == nil {
		cfg.Profiles = map[string]cache.Profile{"short": short}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c, err := cache.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// loader is a Func's load that counts its calls and returns "k#n" for
// the nth. When gate is set, each load waits for it to be closed (or
// for its context to end).
type loader struct {
	n    atomic.Int64
	gate chan struct{}
	tags func(k string) []string // declared with cache.Tag, when set
}

func (l *loader) load(ctx context.Context, k string) (string, error) {
	n := l.n.Add(1)
	if l.tags != nil {
		cache.Tag(ctx, l.tags(k)...)
	}
	if l.gate != nil {
		select {
		case <-l.gate:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	return fmt.Sprintf("%s#%d", k, n), nil
}

func (l *loader) loads() int64 { return l.n.Load() }

// newFunc returns a Func of l under name, with the profile "short".
func newFunc(t *testing.T, c *cache.Cache, name string, l *loader, opts ...cache.FuncOption[string]) *cache.Func[string, string] {
	t.Helper()
	f, err := cache.NewFunc(c, name, "short", l.load, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// get returns f's value for k, failing the test on an error.
func get(t *testing.T, f *cache.Func[string, string], k string) string {
	t.Helper()
	v, err := f.Get(t.Context(), k)
	if err != nil {
		t.Fatalf("Get(%q): %v", k, err)
	}
	return v
}

// result is what a Get on another goroutine returned.
type result struct {
	v   string
	err error
}

// goGet runs f.Get(ctx, k) on a goroutine; its result arrives on the
// channel.
func goGet(ctx context.Context, f *cache.Func[string, string], k string) <-chan result {
	ch := make(chan result, 1)
	go func() {
		v, err := f.Get(ctx, k)
		ch <- result{v, err}
	}()
	return ch
}
