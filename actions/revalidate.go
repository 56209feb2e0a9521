package actions

import (
	"context"
	"slices"
	"sync"
)

// A Revalidator receives the tags and paths that a successful mutation
// recorded. The cache implements it; [Recorder] is an in-memory one for
// tests and for apps without a cache.
type Revalidator interface {
	// Revalidate marks every entry with one of tags, or cached for one of
	// paths, as stale. An error fails the action call: a revalidation that
	// did not happen is never reported as success.
	Revalidate(ctx context.Context, tags, paths []string) error
}

// RevalidateTag records tag for revalidation when the current action's
// mutation succeeds. Outside an action call it does nothing: a route
// handler or a webhook calls its cache's RevalidateTag (see package
// cache), which applies at once and returns its error.
func RevalidateTag(ctx context.Context, tag string) {
	if c := callFrom(ctx); c != nil && !slices.Contains(c.tags, tag) {
		c.tags = append(c.tags, tag)
	}
}

// RevalidatePath records path for revalidation when the current action's
// mutation succeeds. Outside an action call it does nothing, as for
// [RevalidateTag].
func RevalidatePath(ctx context.Context, path string) {
	if c := callFrom(ctx); c != nil && !slices.Contains(c.paths, path) {
		c.paths = append(c.paths, path)
	}
}

// Recorder is a [Revalidator] that remembers what it was told, in order.
// Its zero value is ready to use and it is safe for concurrent use.
type Recorder struct {
	mu    sync.Mutex
	tags  []string
	paths []string
}

// Revalidate records tags and paths.
func (r *Recorder) Revalidate(_ context.Context, tags, paths []string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tags = append(r.tags, tags...)
	r.paths = append(r.paths, paths...)
	return nil
}

// Tags returns the tags revalidated so far.
func (r *Recorder) Tags() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.tags)
}

// Paths returns the paths revalidated so far.
func (r *Recorder) Paths() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.paths)
}

// Reset forgets everything recorded.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tags, r.paths = nil, nil
}
