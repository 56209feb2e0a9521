package server

import (
	"fmt"
	"net/http"
	"time"
)

// StreamOptions are the settings of a [Stream] and of an [EventStream]; a
// field left zero takes its default. Pass them to [NewStream] and [Events]
// as functions that set them:
//
//	server.Events(w, r, func(o *server.StreamOptions) { o.Heartbeat = 30 * time.Second })
type StreamOptions struct {
	// WriteTimeout bounds each write to the client, its flush included
	// (10 seconds by default). A client that stops reading fills the
	// connection's buffers, and the first write that then waits longer
	// than this fails and ends the stream, rather than holding the
	// connection and the handler's goroutine forever. Between writes the
	// connection has no write deadline at all, so that the server's own
	// WriteTimeout (see [NewHTTPServer]) does not cut a long stream short.
	WriteTimeout time.Duration
	// Heartbeat is how long [EventStream.Relay] waits with no event to
	// send before it sends a comment (15 seconds by default), so that
	// proxies keep an idle stream open and a client that stopped reading
	// is found out. A [Stream] has no heartbeat.
	Heartbeat time.Duration
}

// streamOptions applies opts to the defaults.
func streamOptions(opts []func(*StreamOptions)) StreamOptions {
	var o StreamOptions
	for _, set := range opts {
		set(&o)
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = 15 * time.Second
	}
	return o
}

// A Stream is a response body sent in pieces as the handler has them: each
// Write reaches the client at once, flushed, as one chunk of the chunked
// encoding that net/http uses when no Content-Length is set. Set the
// headers, and the status with WriteHeader, before the first Write; a
// Write of nothing sends them alone. To send several writes as one piece,
// wrap the Stream in a [bufio.Writer] and flush that.
//
// A stream is half a response on purpose: once a piece is sent, an error
// can no longer be answered, and a [Route] only logs the error its
// handler returns.
//
// Like the [http.ResponseWriter] it writes to, a Stream is not safe for
// concurrent use.
type Stream struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

// NewStream returns a stream of w's body. It reaches the connection
// through writers that wrap w, when they unwrap to it (see
// [http.NewResponseController]).
func NewStream(w http.ResponseWriter, opts ...func(*StreamOptions)) *Stream {
	s := newStream(w, streamOptions(opts))
	return &s
}

func newStream(w http.ResponseWriter, o StreamOptions) Stream {
	return Stream{w: w, rc: http.NewResponseController(w), timeout: o.WriteTimeout}
}

// Write writes p and flushes it to the client within the write timeout
// (see [StreamOptions]). It fails once the client is gone, and when w
// cannot flush.
func (s *Stream) Write(p []byte) (int, error) {
	// Where w has no deadlines (an httptest.ResponseRecorder), there is
	// nothing to bound; a write to a closed connection fails regardless.
	_ = s.rc.SetWriteDeadline(time.Now().Add(s.timeout))
	defer s.rc.SetWriteDeadline(time.Time{}) // HTTP/2 resets a stream whose deadline passes, even when idle
	n, err := s.w.Write(p)
	if err == nil {
		err = s.rc.Flush()
	}
	if err != nil {
		return n, fmt.Errorf("server: write the stream: %w", err)
	}
	return n, nil
}
