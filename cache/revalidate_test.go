package cache_test

import (
	"context"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/cache"
)

// The Cache is what an action registry revalidates through.
var _ actions.Revalidator = (*cache.Cache)(nil)

// A revalidation drops only the entries it names: by tag, by exact path,
// or by prefix, segment by segment.
func TestRevalidateScope(t *testing.T) {
	paths := []string{"/", "/about", "/invoices", "/invoices/", "/invoices/1", "/invoices/2", "/invoices/1/edit", "/invoices-old"}
	for _, tc := range []struct {
		name       string
		revalidate func(ctx context.Context, c *cache.Cache) error
		reloaded   []string
	}{
		{"a tag", func(ctx context.Context, c *cache.Cache) error {
			return c.RevalidateTag(ctx, "invoice:1")
		}, []string{"/invoices/1", "/invoices/1/edit"}},
		{"an exact path", func(ctx context.Context, c *cache.Cache) error {
			return c.RevalidatePath(ctx, "/invoices/1")
		}, []string{"/invoices/1"}},
		{"a path's tag", func(ctx context.Context, c *cache.Cache) error {
			return c.RevalidateTag(ctx, "path:/invoices")
		}, []string{"/invoices"}},
		{"a prefix", func(ctx context.Context, c *cache.Cache) error {
			return c.RevalidatePrefix(ctx, "/invoices")
		}, []string{"/invoices", "/invoices/", "/invoices/1", "/invoices/2", "/invoices/1/edit"}},
		{"a prefix with a slash", func(ctx context.Context, c *cache.Cache) error {
			return c.RevalidatePrefix(ctx, "/invoices/1/")
		}, []string{"/invoices/1", "/invoices/1/edit"}},
		{"the root prefix", func(ctx context.Context, c *cache.Cache) error {
			return c.RevalidatePrefix(ctx, "/")
		}, paths},
		{"tags and paths at once", func(ctx context.Context, c *cache.Cache) error {
			return c.Revalidate(ctx, []string{"invoice:2"}, []string{"/about", "/"})
		}, []string{"/", "/about", "/invoices/2"}},
		{"another tag", func(ctx context.Context, c *cache.Cache) error {
			return c.RevalidateTag(ctx, "invoice:3")
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCache(t, cache.Config{})
			l := &loader{tags: invoiceTag}
			f := newFunc(t, c, "page", l, cache.KeyTags(cache.PathTags))
			first := map[string]string{}
			for _, p := range paths {
				first[p] = get(t, f, p)
			}
			if err := tc.revalidate(t.Context(), c); err != nil {
				t.Fatal(err)
			}
			var reloaded []string
			for _, p := range paths {
				if get(t, f, p) != first[p] {
					reloaded = append(reloaded, p)
				}
			}
			if diff := cmp.Diff(tc.reloaded, reloaded); diff != "" {
				t.Errorf("reloaded (-want +got):\n%s", diff)
			}
		})
	}
}

// invoiceTag tags the pages of invoice 1 and 2 "invoice:1" and
// "invoice:2", from the loader.
func invoiceTag(path string) []string {
	for _, id := range []string{"1", "2"} {
		if path == "/invoices/"+id || len(path) > 11 && path[:12] == "/invoices/"+id+"/" {
			return []string{"invoice:" + id}
		}
	}
	return nil
}

// PathTags are the tags of exactly a path and of each prefix it is under.
func TestPathTags(t *testing.T) {
	for path, want := range map[string][]string{
		"/":                {"path:/", "prefix:/"},
		"/invoices":        {"path:/invoices", "prefix:/", "prefix:/invoices"},
		"/invoices/":       {"path:/invoices/", "prefix:/", "prefix:/invoices"},
		"/invoices/42":     {"path:/invoices/42", "prefix:/", "prefix:/invoices", "prefix:/invoices/42"},
		"/a//b":            {"path:/a//b", "prefix:/", "prefix:/a", "prefix:/a//b"},
		"/invoices/1/edit": {"path:/invoices/1/edit", "prefix:/", "prefix:/invoices", "prefix:/invoices/1", "prefix:/invoices/1/edit"},
	} {
		if diff := cmp.Diff(want, cache.PathTags(path)); diff != "" {
			t.Errorf("PathTags(%q) (-want +got):\n%s", path, diff)
		}
	}
}

// A path or prefix must be a path; a tag must not be empty.
func TestRevalidateRefuses(t *testing.T) {
	c := newCache(t, cache.Config{})
	ctx := t.Context()
	for name, err := range map[string]error{
		"a path without /":   c.RevalidatePath(ctx, "invoices"),
		"a prefix without /": c.RevalidatePrefix(ctx, "invoices"),
		"an empty tag":       c.RevalidateTag(ctx, "a", ""),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if err := c.RevalidateTag(ctx); err != nil {
		t.Errorf("no tags at all: %v", err)
	}
}

// A revalidation during a load: the value is not stored. The Get that
// started the load gets it; a Get that starts after the revalidation
// returned does not wait for it but loads anew, and its value is stored.
func TestRevalidateDuringLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCache(t, cache.Config{})
		l := &loader{gate: make(chan struct{}), tags: func(string) []string { return []string{"invoices"} }}
		f := newFunc(t, c, "list", l)

		before := goGet(t.Context(), f, "a")
		synctest.Wait()
		if err := c.RevalidateTag(t.Context(), "invoices"); err != nil {
			t.Fatal(err)
		}
		after := goGet(t.Context(), f, "a")
		synctest.Wait()
		if n := l.loads(); n != 2 {
			t.Fatalf("a Get after the revalidation: %d loads in all, want 2", n)
		}
		close(l.gate)
		if r := <-before; r.v != "a#1" {
			t.Errorf("the Get that started the first load got %q, want a#1", r.v)
		}
		if r := <-after; r.v != "a#2" {
			t.Errorf("the Get after the revalidation got %q, want a#2", r.v)
		}
		if got := get(t, f, "a"); got != "a#2" {
			t.Errorf("then Get = %q, want a#2 stored", got)
		}
		if s := c.Stats(); s.Discarded != 1 {
			t.Errorf("Stats.Discarded = %d, want 1", s.Discarded)
		}
	})
}

// A revalidation made through another Cache on the same store (another
// instance) during a load: the value is not stored, and callers that
// joined the load load again.
func TestRevalidateElsewhereDuringLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := cache.NewMemory(0)
		here, there := newCache(t, cache.Config{Store: store}), newCache(t, cache.Config{Store: store})
		l := &loader{gate: make(chan struct{})}
		f := newFunc(t, here, "list", l, cache.KeyTags(func(string) []string { return []string{"invoices"} }))

		started := goGet(t.Context(), f, "a")
		synctest.Wait()
		joined := goGet(t.Context(), f, "a")
		synctest.Wait()
		if err := there.RevalidateTag(t.Context(), "invoices"); err != nil {
			t.Fatal(err)
		}
		l.gate <- struct{}{} // the first load returns
		synctest.Wait()
		close(l.gate)
		if r := <-started; r.v != "a#1" {
			t.Errorf("the Get that started the load got %q, want a#1", r.v)
		}
		if r := <-joined; r.v != "a#2" {
			t.Errorf("the Get that joined it got %q, want a#2 from a load of its own", r.v)
		}
		if got := get(t, f, "a"); got != "a#2" {
			t.Errorf("then Get = %q, want a#2 stored", got)
		}
	})
}

// A loader that tags its value after reading (the IDs in a list) is
// still discarded when the tag was revalidated through this Cache in
// between.
func TestRevalidateBeforeLateTag(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCache(t, cache.Config{})
		read, tagged := make(chan struct{}), make(chan struct{})
		f, _ := cache.NewFunc(c, "late", "short", func(ctx context.Context, k string) (string, error) {
			close(read) // the data is read
			<-tagged
			cache.Tag(ctx, "invoice:1") // and only now tagged
			return "old", nil
		})
		first := goGet(t.Context(), f, "a")
		<-read
		if err := c.RevalidateTag(t.Context(), "invoice:1"); err != nil {
			t.Fatal(err)
		}
		close(tagged)
		<-first
		if s := c.Stats(); s.Discarded != 1 {
			t.Errorf("a value tagged after its tag's revalidation was stored: %+v", s)
		}
	})
}

// A Func whose loader reads another Func carries the inner value's tags:
// revalidating the invoice drops the page that shows it, whether the
// invoice was loaded for the page or was already cached.
func TestRevalidateNested(t *testing.T) {
	for _, warm := range []bool{false, true} {
		t.Run(map[bool]string{false: "inner loaded", true: "inner cached"}[warm], func(t *testing.T) {
			c := newCache(t, cache.Config{})
			inner := &loader{tags: func(k string) []string { return []string{"invoice:" + k} }}
			invoice := newFunc(t, c, "invoice", inner)
			pages := 0
			page, _ := cache.NewFunc(c, "page", "short", func(ctx context.Context, id string) (string, error) {
				pages++
				inv, err := invoice.Get(ctx, id)
				return "page of " + inv, err
			})
			if warm {
				get(t, invoice, "1")
			}
			get(t, page, "1")
			get(t, page, "1")
			if err := c.RevalidateTag(t.Context(), "invoice:1"); err != nil {
				t.Fatal(err)
			}
			if got := get(t, page, "1"); got != "page of 1#2" || pages != 2 {
				t.Errorf("after the invoice's revalidation, page = %q after %d loads; want page of 1#2 after 2", got, pages)
			}
		})
	}
}
