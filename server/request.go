package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/formwork-dev/formwork/actions"
)

// routeBody is the body of a request to a [Route]: capped at the route's
// limit as it streams, and charged to the server's body budget. Past the
// limit a read fails with an *actions.Error of kind KindTooLarge, so that
// a handler that returns it answers 413.
type routeBody struct {
	io.ReadCloser
	limit    int64
	declared int64 // the Content-Length, or -1
}

func (b *routeBody) Read(p []byte) (int, error) {
	if b.declared > b.limit {
		return 0, actions.TooLarge(b.limit) // said before a byte is read
	}
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = bodyError(err, b.limit)
	}
	return n, err
}

// bodyError classifies an error met while reading a route's body.
func bodyError(err error, limit int64) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return actions.TooLarge(limit)
	case actions.KindOf(err) != actions.KindInternal:
		return err // the budget's 503, already said
	}
	return &actions.Error{Kind: actions.KindClientGone, Err: fmt.Errorf("read body: %w", err)}
}

// limitOf is the body limit of r: its route's, or 0 for the registry's
// default when r did not come through a Route.
func limitOf(r *http.Request) int64 {
	if b, ok := r.Body.(*routeBody); ok {
		return b.limit
	}
	return 0
}

// ReadBody reads the whole body of r, as it came: the raw bytes a webhook
// signature covers. It is capped at the route's limit (see
// [Route.MaxBytes]), or outside a [Route] at the registry's default body
// cap; a body over it is an error of kind [actions.KindTooLarge], which a
// handler returns to answer 413. Only a Route charges a body to the
// server's body budget.
func (s *Server) ReadBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body := r.Body
	if _, ok := body.(*routeBody); !ok {
		limit := s.cfg.Actions.MaxBodyBytes()
		body = &routeBody{ReadCloser: http.MaxBytesReader(nil, body, limit), limit: limit, declared: r.ContentLength}
	}
	return io.ReadAll(body)
}

// Decode reads the body of r into v, a pointer to a struct, and validates
// it, exactly as an action reads its input (see [actions.Registry.Decode]):
// JSON with unknown fields and trailing data refused, or a form; the same
// validator and the same field error keys: a field's form tag, else its Go
// name, so an input tagged `form:"title" json:"title"` is keyed "title"
// either way. A handler returns its error as it is: 413, 415, 400, or 422
// with the fields in a problem. It reads at most the route's limit, or
// outside a [Route] the registry's default body cap.
func (s *Server) Decode(r *http.Request, v any) error {
	return s.cfg.Actions.Decode(r, v, limitOf(r))
}
