package actions

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync"
)

// The content types an action reads.
const (
	typeURLEncoded = "application/x-www-form-urlencoded"
	typeMultipart  = "multipart/form-data"
	typeJSON       = "application/json"
)

// mediaType parses a Content-Type header; the common case needs no parsing.
// An unreadable header gives "".
func mediaType(header string) (string, map[string]string) {
	if header == typeURLEncoded {
		return header, nil
	}
	mt, params, err := mime.ParseMediaType(header)
	if err != nil {
		return "", nil
	}
	return mt, params
}

func unsupportedMedia(header string) error {
	return &Error{Kind: KindUnsupportedMedia,
		Message: "Send the form as " + typeURLEncoded + ", " + typeMultipart + " or " + typeJSON + ".",
		Err:     fmt.Errorf("unsupported content type %.60q", header)}
}

// bodyBuffers hold URL-encoded bodies while they are parsed; the parsed
// values copy what they keep.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// limitedBody counts the body as it streams. Its limit starts at the
// registry's ceiling and tightens to the action's once the action is known.
type limitedBody struct {
	r      io.Reader
	read   int64
	limit  int64
	broken error // the transport's error: the client went away or stalled

	req      *http.Request // for admit
	admitted bool          // the action admitted the caller (see admit)
	holds    holds         // places held by the limits that count failures
}

func newLimitedBody(w http.ResponseWriter, req *http.Request, limit int64) *limitedBody {
	return &limitedBody{r: http.MaxBytesReader(w, req.Body, limit), limit: limit, req: req}
}

// admit lets c check the caller once its action is known and before the
// body's bulk is read: the policy that needs no input (core.admit), then
// the limits keyed by the request.
func (b *limitedBody) admit(c *core) error {
	if b.admitted {
		return nil
	}
	b.admitted = true
	if err := c.admit(b.req.Context()); err != nil {
		return err
	}
	var err error
	b.holds, err = c.takeRequest(b.req)
	return err
}

func (b *limitedBody) Read(p []byte) (int, error) {
	room := b.limit - b.read + 1 // one byte more than the limit tells "too large"
	if room <= 0 {
		return 0, b.tooLarge()
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	if b.read > b.limit {
		return n, b.tooLarge()
	}
	if err != nil && err != io.EOF && !isMaxBytes(err) {
		b.broken = err
	}
	return n, err
}

// isMaxBytes reports whether err is http.MaxBytesReader's. It is a function
// of its own so that Read, on every call, allocates nothing.
func isMaxBytes(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func (b *limitedBody) tighten(limit int64) error {
	if limit < b.limit {
		b.limit = limit
	}
	if b.read > b.limit {
		return b.tooLarge()
	}
	return nil
}

func (b *limitedBody) tooLarge() error { return TooLarge(b.limit) }

// TooLarge returns the error of a request body over limit bytes: of kind
// [KindTooLarge] (413), saying the limit in words.
func TooLarge(limit int64) *Error {
	return &Error{Kind: KindTooLarge, Message: "The submission is larger than " + humanBytes(limit) + ".",
		Err: fmt.Errorf("body over %d bytes", limit)}
}

// readError classifies an error met while reading or decoding the body:
// over the limit, cut short by the client, or unreadable.
func (b *limitedBody) readError(err error) error {
	switch {
	case asError(err) != nil:
		return err
	case isMaxBytes(err):
		return b.tooLarge()
	case b.broken != nil:
		return &Error{Kind: KindClientGone, Err: fmt.Errorf("body cut short after %d bytes: %w", b.read, b.broken)}
	}
	return &Error{Kind: KindMalformed, Message: "The request body could not be read.", Err: err}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// MaxBodyBytes returns the registry's default body cap.
func (r *Registry) MaxBodyBytes() int64 { return r.maxBody }

// BodyLimit is the body cap of a call to the action with wire ID id, or,
// when id is empty or names no action, the largest cap of any action: the
// cap of a body whose action is not known until it is read.
func (r *Registry) BodyLimit(id string) int64 {
	if c, err := r.lookup(id); err == nil {
		return c.limit
	}
	return r.bodyCeiling()
}

// bodyCeiling is the largest body limit of any action: the cap of a body
// whose action is not known yet.
func (r *Registry) bodyCeiling() int64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.ceiling
}
