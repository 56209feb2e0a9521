package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/formwork-dev/formwork/actions"
)

// PathInt64 returns the path value name of r as an int64: the {id} of
// "/api/invoices/{id}". A value that is not one, in its one canonical form
// (no sign but "-", no leading zero), is an error of kind
// [actions.KindNotFound], so a route answers 404 for "/api/invoices/x" or
// "/api/invoices/007", as for an ID that names nothing: each resource has
// one URL, and one cache key.
func PathInt64(r *http.Request, name string) (int64, error) {
	v := r.PathValue(name)
	n, err := strconv.ParseInt(v, 10, 64)
	if err == nil && strconv.FormatInt(n, 10) != v {
		err = errors.New("not in canonical form") // "+7" and "007" would be other URLs of 7
	}
	if err != nil {
		return 0, &actions.Error{Kind: actions.KindNotFound, Message: "There is nothing at this address.",
			Err: fmt.Errorf("path value %s = %.40q is not an int64", name, v)}
	}
	return n, nil
}

// JSON writes v as JSON with status: encoded whole first, so that an
// encoding error is returned rather than half an answer written.
func JSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	h := w.Header()
	h["Content-Type"] = headerJSON
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, err = w.Write(body)
	return err
}

// Cached writes body, a representation of the resource, with a strong ETag
// (a hash of body) and the content type ctype; a request whose
// If-None-Match names that ETag (or is "*") gets 304 with no body. When w
// carries Last-Modified already (see [LastModified]), a request with
// If-Modified-Since and no If-None-Match is answered from it. Set
// Cache-Control before, as the resource allows (see [CachePublic]).
func Cached(w http.ResponseWriter, r *http.Request, ctype string, body []byte) error {
	etag := strongETag(body)
	var modified time.Time
	if lm := w.Header().Get("Last-Modified"); lm != "" {
		modified, _ = http.ParseTime(lm)
	}
	if NotModified(w, r, etag, modified) {
		return nil
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

// strongETag is the strong entity tag of body: a hash of its bytes.
func strongETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// NotModified sets the validators of the resource's current version on w,
// its strong etag (quoted, such as `"v42"`; "" for none) and the time it
// last changed (zero for unknown), and reports whether the request's copy
// is that version: then it has answered 304 (412 Precondition Failed for a
// method other than GET and HEAD), and the handler is done. It
// lets a handler that knows the version before building the body (a row's
// version column) skip building it. If-None-Match decides when present;
// If-Modified-Since only without it, and only for GET and HEAD (RFC 9110
// 13.2.2).
func NotModified(w http.ResponseWriter, r *http.Request, etag string, modified time.Time) bool {
	h := w.Header()
	if etag != "" {
		h.Set("ETag", etag)
	}
	if !modified.IsZero() {
		LastModified(w, modified)
		modified = modified.Truncate(time.Second)
	}
	fresh := false
	if inm := r.Header.Values("If-None-Match"); len(inm) > 0 {
		fresh = etag != "" && matchesETag(inm, etag)
	} else if ims := r.Header.Get("If-Modified-Since"); ims != "" && !modified.IsZero() &&
		(r.Method == http.MethodGet || r.Method == http.MethodHead) {
		t, err := http.ParseTime(ims)
		fresh = err == nil && !modified.After(t)
	}
	switch {
	case fresh && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		w.WriteHeader(http.StatusNotModified)
	case fresh:
		// An unsafe method whose If-None-Match names the current version
		// fails its precondition (RFC 9110 13.1.2): "create only if absent".
		w.WriteHeader(http.StatusPreconditionFailed)
	}
	return fresh
}

// LastModified sets the Last-Modified header of w to t, in HTTP's format.
func LastModified(w http.ResponseWriter, t time.Time) {
	w.Header().Set("Last-Modified", t.UTC().Format(http.TimeFormat))
}

// CachedJSON is [Cached] for v encoded as JSON.
func CachedJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	return Cached(w, r, "application/json", body)
}

// matchesETag reports whether the If-None-Match header values name etag,
// with the weak comparison that If-None-Match uses (RFC 9110 13.1.2): a
// W/ prefix is ignored, "*" matches any, and each value may list several
// (an entity tag may hold a comma inside its quotes).
func matchesETag(values []string, etag string) bool {
	for _, v := range values {
		for v = strings.TrimSpace(v); v != ""; v = strings.TrimLeft(v, " \t,") {
			if v[0] == '*' {
				return true
			}
			v = strings.TrimPrefix(v, "W/")
			if v == "" || v[0] != '"' {
				return false // not an entity tag: nothing after it is read
			}
			end := strings.IndexByte(v[1:], '"')
			if end < 0 {
				return false
			}
			if v[:end+2] == etag {
				return true
			}
			v = v[end+2:]
		}
	}
	return false
}
