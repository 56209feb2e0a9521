package cache_test

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/cache"
)

// benchInvoice is a value of a typical size.
type benchInvoice struct {
	ID       int
	Customer string
	Lines    []string
	Total    int64
}

// BenchmarkFuncHit is a fresh hit of a cached function on the memory
// store, tagged as an app would tag it, against a plain map under a
// sync.RWMutex read in the same run: x-map is how many times slower the
// hit is.
func BenchmarkFuncHit(b *testing.B) {
	const keys = 1000
	c, err := cache.New(cache.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	load := func(_ context.Context, id int) (benchInvoice, error) {
		return benchInvoice{ID: id, Customer: "Acme", Lines: []string{"design", "build"}, Total: 1200}, nil
	}
	f, err := cache.NewFunc(c, "invoice", cache.ProfileHours, load, cache.KeyTags(func(id int) []string {
		return []string{"invoices", "invoice:" + strconv.Itoa(id)}
	}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	plain := map[int]benchInvoice{}
	for id := range keys {
		plain[id], _ = f.Get(ctx, id)
	}
	c.RevalidateTag(ctx, "some other tag") // a hit checks its tags once after a Bump

	var sink benchInvoice
	i := 0
	for b.Loop() {
		sink, _ = f.Get(ctx, i%keys)
		i++
	}
	perHit := float64(b.Elapsed()) / float64(b.N)

	var mu sync.RWMutex
	start := time.Now()
	for i := range b.N {
		mu.RLock()
		sink = plain[i%keys]
		mu.RUnlock()
	}
	perMap := float64(time.Since(start)) / float64(b.N)
	_ = sink
	if hits := c.Stats().Hits; hits < uint64(b.N) {
		b.Fatalf("%d hits for %d Gets", hits, b.N)
	}
	b.ReportMetric(perMap, "map-ns/op")
	b.ReportMetric(perHit/perMap, "x-map")
}

// wrapped hides a Memory store's type, so that a Func decodes each hit,
// as it does from a shared store: what keeping the decoded value saves.
type wrapped struct{ cache.Store }

// BenchmarkFuncHitDecoding is BenchmarkFuncHit's hit decoded from JSON,
// as every hit from a store other than Memory is.
func BenchmarkFuncHitDecoding(b *testing.B) {
	c, err := cache.New(cache.Config{Store: wrapped{cache.NewMemory(0)}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	f, err := cache.NewFunc(c, "invoice", cache.ProfileHours, func(_ context.Context, id int) (benchInvoice, error) {
		return benchInvoice{ID: id, Customer: "Acme", Lines: []string{"design", "build"}, Total: 1200}, nil
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	f.Get(ctx, 1)
	for b.Loop() {
		f.Get(ctx, 1)
	}
}
