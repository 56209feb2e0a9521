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
	invoices  *cache.Func[struct{}, []Invoice]
	projects  *cache.Func[struct{}, []Project]
	changelog *cache.Func[struct{}, []Entry]
}

// newReads caches the store's list reads in c.
func newReads(c *cache.Cache, s *Store) (reads, error) {
	var r reads
	var err error
	tags := func(t ...string) cache.FuncOption[struct{}] {
		return cache.KeyTags(func(struct{}) []string { return t })
	}
	if r.invoices, err = cache.NewFunc(c, "invoices", dataProfile,
		func(ctx context.Context, _ struct{}) ([]Invoice, error) { return s.Invoices(ctx) }, tags("invoices")); err != nil {
		return r, err
	}
	// A project shows its invoices' count and open amount.
	if r.projects, err = cache.NewFunc(c, "projects", dataProfile,
		func(ctx context.Context, _ struct{}) ([]Project, error) { return s.Projects(ctx) }, tags("projects", "invoices")); err != nil {
		return r, err
	}
	r.changelog, err = cache.NewFunc(c, "changelog", dataProfile,
		func(ctx context.Context, _ struct{}) ([]Entry, error) { return s.Changelog(ctx) }, tags("changelog"))
	return r, err
}

// cacheRead is how one read of a page was answered, shown in dev mode.
type cacheRead struct{ Name, Status string }

// read reads fn through the cache, noting how it was answered in seen.
func read[V any](ctx context.Context, fn *cache.Func[struct{}, V], seen *[]cacheRead) (V, error) {
	v, st, err := fn.Lookup(ctx, struct{}{})
	*seen = append(*seen, cacheRead{fn.Name(), st.String()})
	return v, err
}
