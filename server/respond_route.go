package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/formwork-dev/formwork/actions"
)

// PathInt64 returns the path value name of r as an int64: the {id} of
// "/api/invoices/{id}". A value that is not one is an error of kind
// [actions.KindNotFound], so a route answers 404 for "/api/invoices/x",
// as for an ID that names nothing.
func PathInt64(r *http.Request, name string) (int64, error) {
	v := r.PathValue(name)
	n, err := strconv.ParseInt(v, 10, 64)
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
// If-None-Match names that ETag (or is "*") gets 304 with no body. Set
// Cache-Control and Last-Modified on w before, as the resource allows.
func Cached(w http.ResponseWriter, r *http.Request, ctype string, body []byte) error {
	sum := sha256.Sum256(body)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	if matchesETag(r.Header.Values("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

// CachedJSON is [Cached] for v encoded as JSON.
func CachedJSON(w http.ResponseWriter, r *http.Request, v any) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	return Cached(w, r, "application/json", buf.Bytes())
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
