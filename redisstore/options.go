package redisstore

import (
	"log/slog"
	"time"
)

// Options configure a [Cache], a [OnceStore] or a [Limiter]. The zero
// value is ready to use.
type Options struct {
	// Prefix starts every key and channel name the store uses, so that
	// two apps can share one Redis; "formwork:" when empty. On a Redis
	// Cluster, put a hash tag in it ("{myapp}:"), so that every key lands
	// in one slot: a cache's scripts read a tag's version beside an
	// entry.
	Prefix string
	// NearCacheBytes bounds the cache's near-cache: entries kept in this
	// process, so that a hit does not transfer the value again. Zero
	// keeps none. Only [Cache] reads it.
	NearCacheBytes int64
	// Logger receives what fails in the background: the cache's
	// subscription to bump hints, a limiter's release. Nil is
	// [slog.Default].
	Logger *slog.Logger
}

// defaultPrefix is the Prefix of Options that give none.
const defaultPrefix = "formwork:"

// backgroundTimeout bounds an exchange with Redis that has no caller's
// context to bound it: a limiter's release.
const backgroundTimeout = 3 * time.Second

// prefix returns the prefix keys start with.
func (o Options) prefix() string {
	if o.Prefix == "" {
		return defaultPrefix
	}
	return o.Prefix
}

// logger returns the logger for what fails in the background.
func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.Default()
	}
	return o.Logger
}
