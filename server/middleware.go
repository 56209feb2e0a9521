package server

import (
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/formwork-dev/formwork/actions"
)

// reqInfo collects what the log line of a request says.
type reqInfo struct {
	pattern string
	action  string
	outcome string
	digest  string
	err     error
}

// infoOf returns the log record of the request that w answers. The
// server's own handlers always get the statusWriter the log middleware
// made, which carries the record without a context value or a copy of the
// request.
func infoOf(w http.ResponseWriter) *reqInfo {
	if sw, ok := w.(*statusWriter); ok {
		return &sw.info
	}
	return nil
}

// statusWriter records the status of a response, and carries its log
// record.
type statusWriter struct {
	http.ResponseWriter
	status int
	info   reqInfo
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one line per request: method, route pattern, action,
// outcome, status and duration, with the error and digest of a failure.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		info := &sw.info
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		if !s.log.Enabled(r.Context(), level) {
			return
		}
		var buf [9]slog.Attr
		attrs := append(buf[:0],
			slog.String("method", r.Method),
			slog.String("pattern", info.pattern),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Duration("duration", time.Since(start)),
		)
		if info.action != "" {
			attrs = append(attrs, slog.String("action", info.action))
		}
		if info.outcome != "" {
			attrs = append(attrs, slog.String("outcome", info.outcome))
		}
		if info.digest != "" {
			attrs = append(attrs, slog.String("digest", info.digest))
		}
		if info.err != nil && (sw.status >= 500 || info.digest != "") {
			attrs = append(attrs, slog.String("err", detail(info.err)))
		}
		s.log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// recoverPanics turns a panic into a 500 with a digest, when nothing of the
// response was written yet (pages render to a buffer first, so usually
// nothing was).
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, _ := w.(*statusWriter)
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err := &actions.Error{Kind: actions.KindInternal, Err: &actions.PanicError{Value: v, Stack: debug.Stack()}}
			if sw != nil && sw.status != 0 {
				// Too late for an error page; log it and cut the response.
				if info := infoOf(w); info != nil {
					info.outcome, info.err, info.digest = "panic", err, newDigest()
				}
				panic(http.ErrAbortHandler)
			}
			s.fail(w, r, err)
		}()
		next.ServeHTTP(w, r)
	})
}
