package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// recorder keeps what a handler writes, for the cache.
type recorder struct {
	header http.Header
	status int
	body   []byte
}

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
}

func (rec *recorder) Write(b []byte) (int, error) {
	rec.WriteHeader(http.StatusOK)
	rec.body = append(rec.body, b...)
	return len(b), nil
}

// cacheable reports whether the answer may be kept for every caller: a
// 200 that sets no cookie, says nothing against storing, and varies on
// nothing (a route's own CORS headers are added to each answer, not
// kept).
func (rec *recorder) cacheable() bool {
	if rec.status != http.StatusOK && rec.status != 0 || len(rec.header["Set-Cookie"]) > 0 {
		return false
	}
	cc := strings.ToLower(rec.header.Get("Cache-Control"))
	if strings.Contains(cc, "no-store") || strings.Contains(cc, "private") {
		return false
	}
	return len(rec.header["Vary"]) == 0 // the key holds no header
}

// cached is the answer as the cache keeps it: its own ETag, or a hash of
// its body, and its length, beside the headers that describe it.
func (rec *recorder) cached() cachedResponse {
	h := rec.header.Clone()
	etag := h.Get("ETag")
	for _, k := range []string{"Cache-Control", "Content-Length", "Date", "Etag", "Vary", "X-Cache"} {
		delete(h, k)
	}
	if etag == "" {
		etag = strongETag(rec.body)
	}
	h["Etag"] = []string{etag}
	h["Content-Length"] = []string{strconv.Itoa(len(rec.body))}
	return cachedResponse{Header: h, Body: rec.body, Created: time.Now()}
}

// replay writes the recorded answer to w.
func (rec *recorder) replay(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range rec.header {
		h[k] = v
	}
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	w.Write(rec.body)
}
