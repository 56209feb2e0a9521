package redisstore_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/redisstore"
)

// BenchmarkCacheGet is a hit of one entry, tagged twice, from Redis
// without a near-cache (the value comes each time) and with one (only the
// check comes back).
func BenchmarkCacheGet(b *testing.B) {
	srv := startRedis(b)
	for _, size := range []int{1 << 10, 64 << 10} {
		for _, nc := range nearCaches {
			b.Run(fmt.Sprintf("%dKB/%s", size>>10, strings.ReplaceAll(nc.name, " ", "-")), func(b *testing.B) {
				c := newCache(b, srv, nc.bytes)
				key := fmt.Sprintf("bench %d %s", size, nc.name)
				tags := []string{"invoices", "path:/invoices"}
				mustDo(b, "Set", c.Set(b.Context(), key, entry(strings.Repeat("x", size), tags, mustVersions(b, c, tags...))))
				b.ReportAllocs()
				for b.Loop() {
					if _, ok, err := c.Get(b.Context(), key); !ok || err != nil {
						b.Fatalf("Get: %v, %v", ok, err)
					}
				}
			})
		}
	}
}

// BenchmarkBumpPropagation bumps a tag on instance A while instance B's
// near-cache holds an entry of it, and measures two delays: from A.Bump
// returning to B's Get reporting a miss (the version check: one round
// trip), and from A.Bump being called to B's near-cache dropping the
// entry on the pub/sub hint. Each op also sets and reads the entry; run
// it with -benchtime=1000x for percentiles over 1000 bumps.
func BenchmarkBumpPropagation(b *testing.B) {
	srv := startRedis(b)
	a := newCache(b, srv, 0)
	type heard struct {
		tags []string
		at   time.Time
	}
	hints := make(chan heard, 16)
	bc := redisstore.NewCacheWatched(srv.client(), redisstore.Options{Prefix: "test:", NearCacheBytes: 1 << 20},
		func(tags []string) { hints <- heard{tags, time.Now()} })
	b.Cleanup(func() { bc.Close() })
	if h := <-hints; h.tags != nil {
		b.Fatalf("first message heard: %q", h.tags)
	}
	var toMiss, toHint []time.Duration
	for i := 0; b.Loop(); i++ {
		tag, key := fmt.Sprint("tag ", i), fmt.Sprint("key ", i)
		mustDo(b, "A.Set", a.Set(b.Context(), key, entry("value", []string{tag}, []uint64{0})))
		if _, ok, err := bc.Get(b.Context(), key); !ok || err != nil || !redisstore.NearHolds(bc, key) {
			b.Fatalf("B.Get before the bump: %v, %v", ok, err)
		}
		called := time.Now()
		mustDo(b, "A.Bump", a.Bump(b.Context(), []string{tag}))
		returned := time.Now()
		if _, ok, err := bc.Get(b.Context(), key); ok || err != nil {
			b.Fatalf("B.Get after the bump: %v, %v", ok, err)
		}
		toMiss = append(toMiss, time.Since(returned))
		h := <-hints
		if len(h.tags) != 1 || h.tags[0] != tag {
			b.Fatalf("hint %q, want %q", h.tags, tag)
		}
		toHint = append(toHint, h.at.Sub(called))
	}
	report(b, "miss", toMiss)
	report(b, "hint", toHint)
}

// report reports the 50th and 99th percentiles of ds, in µs.
func report(b *testing.B, name string, ds []time.Duration) {
	slices.Sort(ds)
	at := func(p float64) float64 {
		return float64(ds[int(p*float64(len(ds)-1))]) / float64(time.Microsecond)
	}
	b.ReportMetric(at(0.50), name+"-p50-µs")
	b.ReportMetric(at(0.99), name+"-p99-µs")
}
