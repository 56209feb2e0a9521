package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// ErrClosed is returned by a [Func]'s Get that would have to load after
// its [Cache] was closed.
var ErrClosed = errors.New("cache: closed")

// Config configures a [Cache]. Its zero value is ready to use.
type Config struct {
	// Store keeps entries and tag versions. Nil means a [Memory] store of
	// DefaultMaxBytes, for this process alone.
	Store Store
	// Profiles adds life profiles to the presets, by name, or replaces a
	// preset. Each is checked by [New].
	Profiles map[string]Profile
	// Logger receives the store's failures. Nil means slog.Default().
	Logger *slog.Logger
	// LoadTimeout bounds each load, whoever waits for it. Zero means one
	// minute.
	LoadTimeout time.Duration
}

// A Cache keeps the values of its [Func]s in a [Store] and revalidates
// them by tag and by path. It implements actions.Revalidator, so that an
// action's revalidations reach it. A Cache is safe for concurrent use;
// [Cache.Close] stops its loads.
type Cache struct {
	store       Store
	mem         *Memory // store, when it is one
	profiles    map[string]Profile
	log         *slog.Logger
	loadTimeout time.Duration
	recent      revalidations
	stats       counters

	mu     sync.Mutex
	names  map[string]bool // of its Funcs
	closed bool
	loads  sync.WaitGroup
	done   context.Context // ends at Close
	stop   context.CancelFunc
}

// New returns a Cache configured by cfg, or an error that says which
// profile is wrong.
func New(cfg Config) (*Cache, error) {
	all, err := profiles(cfg.Profiles)
	if err != nil {
		return nil, err
	}
	if cfg.LoadTimeout < 0 {
		return nil, fmt.Errorf("cache: LoadTimeout %s is negative", cfg.LoadTimeout)
	}
	c := &Cache{store: cfg.Store, profiles: all, log: cfg.Logger, loadTimeout: cfg.LoadTimeout, names: map[string]bool{}}
	if c.store == nil {
		c.store = NewMemory(DefaultMaxBytes)
	}
	c.mem, _ = c.store.(*Memory)
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.loadTimeout == 0 {
		c.loadTimeout = time.Minute
	}
	c.done, c.stop = context.WithCancel(context.Background())
	return c, nil
}

// Profile returns the profile called name, a preset or one of
// [Config.Profiles].
func (c *Cache) Profile(name string) (Profile, bool) {
	p, ok := c.profiles[name]
	return p, ok
}

// Close cancels the loads in progress, background refreshes included,
// and waits for them to return; loads do not start after it. Values
// already cached are still served. A loader must return when its context
// ends, or Close waits for it.
func (c *Cache) Close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.stop()
	c.loads.Wait()
}

// goLoad runs load on a goroutine of its own, with a context that has
// parent's values but not its cancellation, and that ends after the load
// timeout or at Close. It reports false, and runs nothing, after Close.
func (c *Cache) goLoad(parent context.Context, load func(ctx context.Context)) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.loads.Add(1)
	go func() {
		defer c.loads.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), c.loadTimeout)
		defer cancel()
		defer context.AfterFunc(c.done, cancel)()
		load(ctx)
	}()
	return true
}

// claim reserves a Func's name.
func (c *Cache) claim(name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.names[name] {
		return fmt.Errorf("cache: a Func is already called %q", name)
	}
	c.names[name] = true
	return nil
}

// failed counts and logs a store's failure.
func (c *Cache) failed(ctx context.Context, op, key string, err error) {
	c.stats.errors.Add(1)
	c.log.ErrorContext(ctx, "cache: store failed", "op", op, "key", key, "err", err)
}
