package server

import (
	"net/http"
	"runtime/debug"

	"github.com/formwork-dev/formwork/actions"
)

// RecoverPanics is middleware that turns a panic into a 500 with a digest,
// when nothing of the response was written yet (pages render to a buffer
// first, so usually nothing was). Once the response has started, the panic
// is logged and the response cut off. [http.ErrAbortHandler] passes
// through.
func (s *Server) RecoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := statusWriterOf(w) // the log's, when LogRequests is outside
		if sw == nil {
			sw = &statusWriter{ResponseWriter: w}
			w = sw
		}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err := &actions.Error{Kind: actions.KindInternal, Err: &actions.PanicError{Value: v, Stack: debug.Stack()}}
			if sw.status != 0 {
				s.note(w, actions.ErrorResult(err))
				sw.info.outcome = "panic"
				panic(http.ErrAbortHandler) // too late for an error page
			}
			s.fail(w, r, err)
		}()
		next.ServeHTTP(w, r)
	})
}
