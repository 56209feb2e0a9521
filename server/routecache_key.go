package server

import (
	"net/http"
	"net/url"
	"strings"

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
