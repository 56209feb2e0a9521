package redisstore

import (
	"sync"
	"time"
)

// runScript is the start of the scripts that answer which run of Redis
// they ran in: the server's run_id, new at each start of the process, and
// never restored from a snapshot nor carried over to a replica that takes
// over.
const runScript = `local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
`

// A run is a Redis process. A restart without persistence resets every
// tag's version to 0, and one from a snapshot (or a failover to a
// replica) may move versions back, so a version read in one run says
// nothing in the next: an entry whose versions were read before the
// restart and that is stored after it could be stamped with versions
// that the new run reaches again only after bumps the entry never saw.
//
// runs remembers the run this instance last heard from, and since when,
// by its own clock: every load that began before it heard of a new run
// may have read its versions in the old one, so Set refuses its entry.
type runs struct {
	mu    sync.Mutex
	id    string
	since time.Time // zero until the run changes
}

// current returns the run last heard from, and since when.
func (r *runs) current() (string, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.id, r.since
}

// observe records that id answered, and reports whether that is a change
// from another run.
func (r *runs) observe(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id == r.id || id == "" {
		return false
	}
	changed := r.id != ""
	if changed {
		r.since = time.Now()
	}
	r.id = id
	return changed
}
