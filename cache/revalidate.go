package cache

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// RevalidateTag drops every entry tagged with one of tags, in this
// process and in every one that shares the store, from the moment it
// returns: the next read loads anew (read-your-own-writes), and a load
// that was running is not stored. An error means the store could not
// record it: the entries may still be served, and the caller must not
// report success.
func (c *Cache) RevalidateTag(ctx context.Context, tags ...string) error {
	if len(tags) == 0 {
		return nil
	}
	for _, tag := range tags {
		if tag == "" {
			return errors.New("cache: revalidating an empty tag")
		}
	}
	// Recorded before the store moves, so that a load ending in between is
	// not stored either.
	c.recent.add(tags)
	if err := c.store.Bump(ctx, tags); err != nil {
		return fmt.Errorf("cache: revalidating %q: %w", tags, err)
	}
	return nil
}

// RevalidatePath drops the entries cached for exactly path (one tagged
// with [PathTags](path)), as [Cache.RevalidateTag] does.
func (c *Cache) RevalidatePath(ctx context.Context, path string) error {
	return c.Revalidate(ctx, nil, []string{path})
}

// RevalidatePrefix drops the entries cached for prefix and for every path
// under it, segment by segment: "/invoices" drops "/invoices",
// "/invoices/" and "/invoices/42", not "/invoices-old". "/" drops every
// path.
func (c *Cache) RevalidatePrefix(ctx context.Context, prefix string) error {
	if !strings.HasPrefix(prefix, "/") {
		return fmt.Errorf("cache: prefix %q does not start with /", prefix)
	}
	return c.RevalidateTag(ctx, prefixTag(prefix))
}

// Revalidate drops the entries tagged with one of tags or cached for one
// of paths, in one call to the store. It implements actions.Revalidator.
func (c *Cache) Revalidate(ctx context.Context, tags, paths []string) error {
	all := append([]string(nil), tags...)
	for _, p := range paths {
		if !strings.HasPrefix(p, "/") {
			return fmt.Errorf("cache: path %q does not start with /", p)
		}
		all = append(all, pathTag(p))
	}
	return c.RevalidateTag(ctx, all...)
}

// PathTags returns the tags of an entry cached for path: "path:" and
// path itself, which [Cache.RevalidatePath] revalidates, and "prefix:"
// and each of its ancestors and itself, which [Cache.RevalidatePrefix]
// revalidates. For "/invoices/42": path:/invoices/42, prefix:/,
// prefix:/invoices and prefix:/invoices/42.
//
// A Func keyed by path tags its entries with KeyTags(PathTags).
func PathTags(path string) []string {
	tags := []string{pathTag(path), "prefix:/"}
	for i := 1; i < len(path); i++ {
		if path[i] == '/' && path[i-1] != '/' {
			tags = append(tags, "prefix:"+path[:i])
		}
	}
	if len(path) > 1 && path[len(path)-1] != '/' {
		tags = append(tags, "prefix:"+path)
	}
	return tags
}

// pathTag is the tag of exactly path.
func pathTag(path string) string { return "path:" + path }

// prefixTag is the tag of prefix and every path under it.
func prefixTag(prefix string) string {
	if trimmed := strings.TrimRight(prefix, "/"); trimmed != "" {
		return "prefix:" + trimmed
	}
	return "prefix:/"
}
