package cache

import "sync/atomic"

// Stats counts what a [Cache] did since [New].
type Stats struct {
	Hits      uint64 // fresh values served
	Stale     uint64 // stale values served while a refresh ran
	Misses    uint64 // reads that found nothing to serve, and waited for a load
	Loads     uint64 // loads that returned a value
	Discarded uint64 // loaded values not stored: revalidated during their load
	Errors    uint64 // store failures, and stored values that would not decode
}

// counters are a Cache's Stats, as they run.
type counters struct {
	hits, stale, misses, loads, discarded, errors atomic.Uint64
}

// Stats returns the counts so far.
func (c *Cache) Stats() Stats {
	s := &c.stats
	return Stats{
		Hits: s.hits.Load(), Stale: s.stale.Load(), Misses: s.misses.Load(),
		Loads: s.loads.Load(), Discarded: s.discarded.Load(), Errors: s.errors.Load(),
	}
}
