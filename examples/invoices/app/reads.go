package app

import (
	"context"

	"github.com/formwork-dev/formwork/cache"
)

// dataProfile is the life of the demo's cached reads. Every write goes
// through an action that revalidates what it changed, so the data may
// live long: an hour fresh, a day at most.
const dataProfile = cache.ProfileHours

// reads are the demo's cached reads, each tagged with what revalidates it.
type reads struct {
	invoices  lister[Invoice]
	projects  lister[Project]
	changelog lister[Entry]
}

// A lister reads a list, through the cache or not, saying how it was
// answered.
type lister[V any] interface {
	Name() string
	Lookup(ctx context.Context, _ struct{}) ([]V, cache.Status, error)
}

// newReads caches the store's list reads in c, unless off: then every read
// goes to the database (Config.NoCache, to measure what the cache gains).
func newReads(c *cache.Cache, s *Store, off bool) (reads, error) {
	var r reads
	var err error
	if r.invoices, err = list(c, off, "invoices", s.Invoices, "invoices"); err != nil {
		return r, err
	}
	// A project shows its invoices' count and open amount.
	if r.projects, err = list(c, off, "projects", s.Projects, "projects", "invoices"); err != nil {
		return r, err
	}
	r.changelog, err = list(c, off, "changelog", s.Changelog, "changelog")
	return r, err
}

// list is load, cached in c under name with tags, or not at all when off.
func list[V any](c *cache.Cache, off bool, name string, load func(context.Context) ([]V, error), tags ...string) (lister[V], error) {
	if off {
		return direct[V]{name, load}, nil
	}
	return cache.NewFunc(c, name, dataProfile, func(ctx context.Context, _ struct{}) ([]V, error) { return load(ctx) },
		cache.KeyTags(func(struct{}) []string { return tags }))
}

// direct reads a list from the database every time.
type direct[V any] struct {
	name string
	load func(context.Context) ([]V, error)
}

func (d direct[V]) Name() string { return d.name }

func (d direct[V]) Lookup(ctx context.Context, _ struct{}) ([]V, cache.Status, error) {
	v, err := d.load(ctx)
	return v, cache.StatusMiss, err
}

// cacheRead is how one read of a page was answered, shown in dev mode.
type cacheRead struct{ Name, Status string }

// read reads fn through the cache, noting how it was answered in seen.
func read[V any](ctx context.Context, fn lister[V], seen *[]cacheRead) ([]V, error) {
	v, st, err := fn.Lookup(ctx, struct{}{})
	*seen = append(*seen, cacheRead{fn.Name(), st.String()})
	return v, err
}
