package cache_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/formwork-dev/formwork/cache"
)

// The presets are Next.js's cacheLife profiles.
func TestPresets(t *testing.T) {
	const day = 24 * time.Hour
	c := newCache(t, cache.Config{})
	for name, want := range map[string]cache.Profile{
		cache.ProfileDefault: {Stale: 5 * time.Minute, Revalidate: 15 * time.Minute, Expire: cache.Forever},
		cache.ProfileSeconds: {Stale: 30 * time.Second, Revalidate: time.Second, Expire: time.Minute},
		cache.ProfileMinutes: {Stale: 5 * time.Minute, Revalidate: time.Minute, Expire: time.Hour},
		cache.ProfileHours:   {Stale: 5 * time.Minute, Revalidate: time.Hour, Expire: day},
		cache.ProfileDays:    {Stale: 5 * time.Minute, Revalidate: day, Expire: 7 * day},
		cache.ProfileWeeks:   {Stale: 5 * time.Minute, Revalidate: 7 * day, Expire: 30 * day},
		cache.ProfileMax:     {Stale: 5 * time.Minute, Revalidate: 30 * day, Expire: 365 * day},
	} {
		got, ok := c.Profile(name)
		if !ok {
			t.Errorf("no preset %q", name)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("preset %q (-want +got):\n%s", name, diff)
		}
	}
}

// A custom profile adds to the presets, or replaces one.
func TestCustomProfiles(t *testing.T) {
	blog := cache.Profile{Stale: time.Hour, Revalidate: 15 * time.Minute, Expire: 24 * time.Hour}
	quick := cache.Profile{Revalidate: time.Second, Expire: time.Second}
	c := newCache(t, cache.Config{Profiles: map[string]cache.Profile{"blog": blog, cache.ProfileSeconds: quick}})
	if got, _ := c.Profile("blog"); got != blog {
		t.Errorf("Profile(blog) = %+v", got)
	}
	if got, _ := c.Profile(cache.ProfileSeconds); got != quick {
		t.Errorf("a replaced preset = %+v", got)
	}
	if _, ok := c.Profile(cache.ProfileHours); !ok {
		t.Error("a custom profile dropped the presets")
	}
}

// A wrong profile fails New, not a request.
func TestBadProfiles(t *testing.T) {
	for name, p := range map[string]cache.Profile{
		"negative stale":         {Stale: -time.Second, Revalidate: time.Minute, Expire: time.Hour},
		"no revalidate":          {Expire: time.Hour},
		"negative revalidate":    {Revalidate: -time.Minute, Expire: time.Hour},
		"expire before revalid.": {Revalidate: time.Hour, Expire: time.Minute},
		"zero":                   {},
	} {
		if _, err := cache.New(cache.Config{Profiles: map[string]cache.Profile{"bad": p}}); err == nil {
			t.Errorf("%s: New accepted %+v", name, p)
		}
	}
	if _, err := cache.New(cache.Config{Profiles: map[string]cache.Profile{"": short}}); err == nil {
		t.Error("New accepted a profile without a name")
	}
}

// A Func is refused when it is made, for a profile unknown, a name taken
// or unfit, or a key type that holds addresses.
func TestNewFuncRefuses(t *testing.T) {
	c := newCache(t, cache.Config{})
	load := func(context.Context, string) (string, error) { return "", nil }
	if _, err := cache.NewFunc(c, "taken", "short", load); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"an unknown profile": second(cache.NewFunc(c, "f1", "hourly", load)),
		"a name taken":       second(cache.NewFunc(c, "taken", "short", load)),
		"an empty name":      second(cache.NewFunc(c, "", "short", load)),
		"a name with ':'":    second(cache.NewFunc(c, "invoices:list", "short", load)),
		"a name with spaces": second(cache.NewFunc(c, "invoice list", "short", load)),
		"a pointer key": second(cache.NewFunc(c, "f2", "short", func(context.Context, *int) (string, error) {
			return "", nil
		})),
		"a key with a pointer": second(cache.NewFunc(c, "f3", "short", func(context.Context, struct{ P *int }) (string, error) {
			return "", nil
		})),
	} {
		if err == nil {
			t.Errorf("%s: NewFunc accepted it", name)
		}
	}
}

func second[T any](_ T, err error) error { return err }
