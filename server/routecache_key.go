package server

import (
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/formwork-dev/formwork/cache"
)

// Bounds of the requests a route's cache keeps answers to: a longer or
// deeper path would cost a tag per segment, a hostile one many.
const (
	maxCachedKey      = 1024
	maxCachedSegments = 32
)

// key names r's cached answer: its host, its escaped path, then "?" and
// the query (sorted) when there is one, then "#" and the principal of a
// per-user cache; an escaped path holds neither "?" nor "#". It reports
// false, for the request to bypass the cache, for a query with a
// parameter the route does not name or that does not parse, and for a
// path too long or too deep.
func (rc *routeCache) key(r *http.Request, user string) (string, bool) {
	path := r.URL.EscapedPath()
	k := r.Host + path
	if r.URL.RawQuery != "" {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return "", false
		}
		for name := range q {
			if !rc.query[name] {
				return "", false
			}
		}
		k += "?" + q.Encode() // sorted: one entry for a=1&b=2 and b=2&a=1
	}
	if user != "" {
		k += "#" + user
	}
	return k, len(k) <= maxCachedKey && strings.Count(path, "/") <= maxCachedSegments
}

// keyTags are the tags of the answer at key k: tags, and its path's.
func keyTags(tags []string) func(k string) []string {
	return func(k string) []string {
		escaped, _, _ := strings.Cut(k, "#")
		escaped, _, _ = strings.Cut(escaped, "?")
		if i := strings.IndexByte(escaped, '/'); i >= 0 {
			escaped = escaped[i:] // the host is not part of the path
		}
		path, err := url.PathUnescape(escaped)
		if err != nil {
			path = escaped
		}
		return append(cache.PathTags(path), tags...)
	}
}

// storeKeys remembers the store keys of a route's plainest requests (a
// host and a path, no query, nobody signed in), so that a hit on one
// builds no key. The map is never changed once published: a lookup is an
// atomic load and a map read, and a new key copies it (rarely: a route
// has few paths; past maxStoreKeys it starts again).
type storeKeys struct {
	mu   sync.Mutex // serializes keep
	keys atomic.Pointer[map[hostPath]string]
	last atomic.Pointer[storeKey] // the one looked up last: most hits are on one path
}

// storeKey is a remembered store key, with what it is of.
type storeKey struct {
	hostPath
	key string
}

type hostPath struct{ host, path string }

// maxStoreKeys bounds what storeKeys remembers.
const maxStoreKeys = 1024

// lookup returns the store key of host and path, when remembered.
func (s *storeKeys) lookup(host, path string) (string, bool) {
	if l := s.last.Load(); l != nil && l.path == path && l.host == host {
		return l.key, true
	}
	m := s.keys.Load()
	if m == nil {
		return "", false
	}
	k, ok := (*m)[hostPath{host, path}]
	if ok {
		s.last.Store(&storeKey{hostPath{host, path}, k})
	}
	return k, ok
}

// keep remembers the store key of host and path.
func (s *storeKeys) keep(host, path, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := map[hostPath]string{}
	if m := s.keys.Load(); m != nil && len(*m) < maxStoreKeys {
		maps.Copy(next, *m)
	}
	next[hostPath{host, path}] = key
	s.keys.Store(&next)
}

// fresh returns r's answer when a fresh entry holds it. For the plainest
// request (no query, nobody signed in) it builds no key once it has seen
// the path, so that a hit allocates nothing of its own.
func (rc *routeCache) fresh(r *http.Request, user string, now time.Time) (cachedResponse, bool) {
	if r.URL.RawQuery != "" || user != "" {
		k, ok := rc.key(r, user)
		if !ok {
			return cachedResponse{}, false
		}
		return rc.fn.FreshAt(r.Context(), rc.fn.StoreKey(k), now)
	}
	path := r.URL.EscapedPath()
	sk, ok := rc.keys.lookup(r.Host, path)
	if !ok {
		k, ok := rc.key(r, user)
		if !ok {
			return cachedResponse{}, false
		}
		sk = rc.fn.StoreKey(k)
		rc.keys.keep(r.Host, path, sk)
	}
	return rc.fn.FreshAt(r.Context(), sk, now)
}
