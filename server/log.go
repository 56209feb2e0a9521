package server

import (
	"log/slog"
	"net/http"
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

// infoOf returns the log record of the request that w answers, or nil when
// the request is not logged by [Server.LogRequests]. The record rides on
// the statusWriter that LogRequests made, found through any writers that
// wrap it and unwrap to it, so it costs no context value and no copy of
// the request.
func infoOf(w http.ResponseWriter) *reqInfo {
	if sw := statusWriterOf(w); sw != nil {
		return &sw.info
	}
	return nil
}

// statusWriterOf finds the statusWriter under w, through writers that
// unwrap to it, or returns nil.
func statusWriterOf(w http.ResponseWriter) *statusWriter {
	for {
		switch v := w.(type) {
		case *statusWriter:
			return v
		case interface{ Unwrap() http.ResponseWriter }:
			w = v.Unwrap()
		default:
			return nil
		}
	}
}

// note records an action's result, or a failure, for the log line.
func (s *Server) note(w http.ResponseWriter, res *actions.Result) {
	info := infoOf(w)
	if info == nil {
		return
	}
	info.outcome, info.err, info.digest = string(res.Status), res.Err, res.Digest
	if res.Action != "" {
		info.action = res.Action
	}
	if res.Status == actions.StatusFailed {
		info.outcome = res.Kind.String()
	}
}

// noteRoute records the route pattern that matched, for the log line.
func noteRoute(w http.ResponseWriter, r *http.Request) {
	if info := infoOf(w); info != nil && r.Pattern != "" {
		info.pattern = r.Pattern
	}
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

// LogRequests is middleware that writes one log line per request: method,
// route pattern, path, status and duration, with the action and its
// outcome, and the error and digest of a failure. A 5xx, and any failure
// with a digest, is logged at ERROR; everything else, a client that went
// away included, at INFO.
func (s *Server) LogRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		level := slog.LevelInfo
		if sw.status >= 500 || sw.info.digest != "" {
			level = slog.LevelError // ours to fix, even when the response had started
		}
		if s.log.Enabled(r.Context(), level) {
			var buf [9]slog.Attr
			s.log.LogAttrs(r.Context(), level, "request", sw.appendAttrs(buf[:0], r, time.Since(start))...)
		}
	})
}

// appendAttrs appends the attributes of a request's log line to attrs.
func (w *statusWriter) appendAttrs(attrs []slog.Attr, r *http.Request, took time.Duration) []slog.Attr {
	info := &w.info
	pattern := info.pattern
	if pattern == "" {
		pattern = r.Pattern // a router outside the middleware matched it
	}
	attrs = append(attrs,
		slog.String("method", r.Method),
		slog.String("pattern", pattern),
		slog.String("path", r.URL.Path),
		slog.Int("status", w.status),
		slog.Duration("duration", took),
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
	if info.err != nil && (w.status >= 500 || info.digest != "" || info.outcome == actions.KindClientGone.String()) {
		attrs = append(attrs, slog.String("err", detail(info.err)))
	}
	return attrs
}
