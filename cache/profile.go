package cache

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// A Profile says how long a cached value lives, as Next.js's cacheLife
// does. An entry is fresh for Revalidate after its load began; then it is
// stale, and is still served while one refresh runs in the background;
// at Expire it is gone, and the next read waits for a load.
//
// Stale is how long a client (a browser, a CDN) may keep a copy without
// asking again. The cache itself does not use it; a response cached by
// route may send it as max-age.
type Profile struct {
	Stale, Revalidate, Expire time.Duration
}

// Forever is an Expire that never comes: the entry stays until a tag or
// path revalidates it, or the store evicts it for room (Next's
// INFINITE_CACHE).
const Forever time.Duration = math.MaxInt64

// The names of the preset profiles. A [Config] may add profiles of its
// own, or replace one of these.
const (
	ProfileDefault = "default" // stale 5m, revalidate 15m, expire Forever
	ProfileSeconds = "seconds" // stale 30s, revalidate 1s, expire 1m
	ProfileMinutes = "minutes" // stale 5m, revalidate 1m, expire 1h
	ProfileHours   = "hours"   // stale 5m, revalidate 1h, expire 1 day
	ProfileDays    = "days"    // stale 5m, revalidate 1 day, expire 1 week
	ProfileWeeks   = "weeks"   // stale 5m, revalidate 1 week, expire 30 days
	ProfileMax     = "max"     // stale 5m, revalidate 30 days, expire 365 days
)

const day = 24 * time.Hour

// presets returns Next.js's preset profiles, as its defaultConfig.cacheLife
// sets them (packages/next/src/server/config-shared.ts, Next 16). Next
// leaves default's stale to the client router's staleTimes.static, 5
// minutes; here it is written out.
func presets() map[string]Profile {
	return map[string]Profile{
		ProfileDefault: {Stale: 5 * time.Minute, Revalidate: 15 * time.Minute, Expire: Forever},
		ProfileSeconds: {Stale: 30 * time.Second, Revalidate: time.Second, Expire: time.Minute},
		ProfileMinutes: {Stale: 5 * time.Minute, Revalidate: time.Minute, Expire: time.Hour},
		ProfileHours:   {Stale: 5 * time.Minute, Revalidate: time.Hour, Expire: day},
		ProfileDays:    {Stale: 5 * time.Minute, Revalidate: day, Expire: 7 * day},
		ProfileWeeks:   {Stale: 5 * time.Minute, Revalidate: 7 * day, Expire: 30 * day},
		ProfileMax:     {Stale: 5 * time.Minute, Revalidate: 30 * day, Expire: 365 * day},
	}
}

// Validate reports what is wrong with p: a negative Stale, a Revalidate
// that is not positive, or an Expire shorter than Revalidate.
func (p Profile) Validate() error {
	switch {
	case p.Stale < 0:
		return errors.New("stale is negative")
	case p.Revalidate <= 0:
		return errors.New("revalidate must be positive")
	case p.Expire < p.Revalidate:
		return fmt.Errorf("expire (%s) is shorter than revalidate (%s)", p.Expire, p.Revalidate)
	}
	return nil
}

// profiles returns the presets with custom laid over them, each checked.
func profiles(custom map[string]Profile) (map[string]Profile, error) {
	all := presets()
	for name, p := range custom {
		if name == "" {
			return nil, errors.New("cache: a profile has no name")
		}
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("cache: profile %q: %w", name, err)
		}
		all[name] = p
	}
	return all, nil
}
