package cache_test

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/cache"
	"github.com/formwork-dev/formwork/keyring"
)

// Invoice is what the examples cache.
type Invoice struct {
	ID    int64
	Total int64
}

// A Cache is a value: nil Store means memory for this process alone;
// Profiles add to the presets, and a wrong one fails here, not at request
// time.
func ExampleNew() {
	c, err := cache.New(cache.Config{
		Profiles: map[string]cache.Profile{
			"dashboard": {Stale: 30 * time.Second, Revalidate: time.Minute, Expire: time.Hour},
		},
	})
	if err != nil {
		panic(err)
	}
	defer c.Close()

	_, err = cache.New(cache.Config{Profiles: map[string]cache.Profile{
		"backwards": {Revalidate: time.Hour, Expire: time.Minute},
	}})
	fmt.Println(err)
	// Output: cache: profile "backwards": expire (1m0s) is shorter than revalidate (1h0m0s)
}

// A cached function is a typed loader with a name and a profile. Callers
// of one key share one load; later callers get the stored value until
// its profile or a revalidation says otherwise.
func ExampleNewFunc() {
	c, _ := cache.New(cache.Config{})
	defer c.Close()

	loads := 0
	invoice, err := cache.NewFunc(c, "invoice", cache.ProfileHours,
		func(ctx context.Context, id int64) (Invoice, error) {
			loads++
			return Invoice{ID: id, Total: 1200}, nil // a database read
		},
		cache.KeyTags(func(id int64) []string {
			return []string{"invoice:" + strconv.FormatInt(id, 10)}
		}))
	if err != nil {
		panic(err)
	}

	ctx := context.Background()
	for range 3 {
		inv, _ := invoice.Get(ctx, 42)
		fmt.Println(inv.Total)
	}
	fmt.Println(loads, "load;", c.Stats().Hits, "hits")
	// Output:
	// 1200
	// 1200
	// 1200
	// 1 load; 2 hits
}

// A loader tags its value with what it read, here every invoice of a
// list, so that revalidating any one of them drops the list.
func ExampleTag() {
	c, _ := cache.New(cache.Config{})
	defer c.Close()
	recent, _ := cache.NewFunc(c, "recent-invoices", cache.ProfileMinutes,
		func(ctx context.Context, customer string) ([]int64, error) {
			cache.Tag(ctx, "invoices") // before the read it covers
			ids := []int64{7, 9}       // a database read
			for _, id := range ids {
				cache.Tag(ctx, "invoice:"+strconv.FormatInt(id, 10))
			}
			return ids, nil
		})

	ctx := context.Background()
	recent.Get(ctx, "acme")
	c.RevalidateTag(ctx, "invoice:9")
	recent.Get(ctx, "acme")
	fmt.Println(c.Stats().Loads, "loads")
	// Output: 2 loads
}

// RevalidateTag drops every entry with the tag, from the moment it
// returns: the next Get loads anew. An error means the store did not
// record it, and must reach the user as a failure.
func ExampleCache_RevalidateTag() {
	c, _ := cache.New(cache.Config{})
	defer c.Close()
	total := int64(1200)
	invoice, _ := cache.NewFunc(c, "invoice", cache.ProfileMax,
		func(ctx context.Context, id int64) (Invoice, error) {
			return Invoice{ID: id, Total: total}, nil
		},
		cache.KeyTags(func(id int64) []string { return []string{"invoice:" + strconv.FormatInt(id, 10)} }))

	ctx := context.Background()
	before, _ := invoice.Get(ctx, 42)
	total = 1500 // a mutation
	if err := c.RevalidateTag(ctx, "invoice:42"); err != nil {
		panic(err)
	}
	after, _ := invoice.Get(ctx, 42)
	fmt.Println(before.Total, after.Total)
	// Output: 1200 1500
}

// A Func keyed by path tags its entries with PathTags: RevalidatePath
// drops one path, RevalidatePrefix a path and everything under it.
func ExampleCache_RevalidatePath() {
	c, _ := cache.New(cache.Config{})
	defer c.Close()
	renders := map[string]int{}
	page, _ := cache.NewFunc(c, "page", cache.ProfileDefault,
		func(ctx context.Context, path string) (string, error) {
			renders[path]++
			return "<html>" + path + "</html>", nil
		},
		cache.KeyTags(cache.PathTags))

	ctx := context.Background()
	paths := []string{"/invoices", "/invoices/42", "/invoices/43", "/about"}
	for _, p := range paths {
		page.Get(ctx, p)
	}
	c.RevalidatePath(ctx, "/invoices/42")
	c.RevalidatePrefix(ctx, "/invoices")
	c.RevalidatePath(ctx, "/invoices/42") // again
	for _, p := range paths {
		page.Get(ctx, p)
	}
	for _, p := range paths {
		fmt.Println(p, renders[p])
	}
	// Output:
	// /invoices 2
	// /invoices/42 2
	// /invoices/43 2
	// /about 1
}

// The Cache is an actions.Revalidator: what a successful mutation records
// with actions.RevalidateTag and actions.RevalidatePath is revalidated
// before the action returns, so the page after it reads the new value.
func ExampleCache_Revalidate() {
	c, _ := cache.New(cache.Config{})
	defer c.Close()
	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, _ := actions.NewRegistry(actions.Config{Keys: keys, Revalidator: c})

	total := int64(1200)
	invoice, _ := cache.NewFunc(c, "invoice", cache.ProfileMax,
		func(ctx context.Context, id int64) (Invoice, error) { return Invoice{ID: id, Total: total}, nil },
		cache.KeyTags(func(id int64) []string { return []string{"invoice:" + strconv.FormatInt(id, 10)} }))

	type Pay struct {
		ID int64 `json:"id"`
	}
	pay := actions.New("invoice.pay", func(ctx context.Context, in Pay) (struct{}, error) {
		total = 0 // the database write
		actions.RevalidateTag(ctx, "invoice:"+strconv.FormatInt(in.ID, 10))
		return struct{}{}, nil
	}, actions.Public())
	reg.Register(pay)

	ctx := context.Background()
	before, _ := invoice.Get(ctx, 42)
	if _, err := pay.Call(ctx, Pay{ID: 42}); err != nil {
		panic(err)
	}
	after, _ := invoice.Get(ctx, 42)
	fmt.Println(before.Total, after.Total)
	// Output: 1200 0
}

// The presets are Next.js's cacheLife profiles. A value is fresh until
// Revalidate, stale (served while one refresh runs) until Expire.
func ExampleProfile() {
	c, _ := cache.New(cache.Config{Logger: slog.New(slog.DiscardHandler)})
	defer c.Close()
	for _, name := range []string{
		cache.ProfileSeconds, cache.ProfileMinutes, cache.ProfileHours, cache.ProfileDays,
		cache.ProfileWeeks, cache.ProfileMax, cache.ProfileDefault,
	} {
		p, _ := c.Profile(name)
		expire := p.Expire.String()
		if p.Expire == cache.Forever {
			expire = "forever"
		}
		fmt.Printf("%-8s stale %-6s revalidate %-9s expire %s\n", name, p.Stale, p.Revalidate, expire)
	}
	// Output:
	// seconds  stale 30s    revalidate 1s        expire 1m0s
	// minutes  stale 5m0s   revalidate 1m0s      expire 1h0m0s
	// hours    stale 5m0s   revalidate 1h0m0s    expire 24h0m0s
	// days     stale 5m0s   revalidate 24h0m0s   expire 168h0m0s
	// weeks    stale 5m0s   revalidate 168h0m0s  expire 720h0m0s
	// max      stale 5m0s   revalidate 720h0m0s  expire 8760h0m0s
	// default  stale 5m0s   revalidate 15m0s     expire forever
}
