package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"

	"github.com/formwork-dev/formwork/actions"
)

// fail answers a request that failed outside an action call: a page whose
// render returned an error, a panic, a failed authentication.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	kind := actions.KindOf(err)
	res := &actions.Result{Status: actions.StatusFailed, Kind: kind, Err: err}
	var e *actions.Error
	if errors.As(err, &e) && e.Message != "" && kind != actions.KindInternal {
		res.Error = e.Message
	}
	if kind == actions.KindInternal {
		res.Digest = newDigest()
	}
	if info := infoOf(w); info != nil {
		info.outcome, info.err, info.digest = kind.String(), err, res.Digest
	}
	if kind == actions.KindUnauthenticated && CallerOf(r) == Browser && r.Method == http.MethodGet {
		http.Redirect(w, r, s.loginURL(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.writeError(w, r, StatusOfKind(kind), res)
}

// writeError writes an error response with no page behind it, shaped for
// the caller: JSON, or the error page (a fragment of it for htmx).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, status int, res *actions.Result) {
	if CallerOf(r) == JSON {
		s.writeJSON(w, r, status, res)
		return
	}
	info := ErrorInfo{Status: status, Message: res.Error, Digest: res.Digest}
	if info.Message == "" {
		info.Message = http.StatusText(status)
	}
	if res.Digest != "" {
		info.Message = "Something went wrong on our side."
		if s.cfg.Dev {
			info.Detail = detail(res.Err)
		}
	}
	page := s.cfg.ErrorPage
	if page == nil {
		page = defaultErrorPage
	}
	c := page(info)
	if CallerOf(r) == HTMX {
		c = errorFragment(info, res.Fields)
	}
	buf := getBuffer()
	defer putBuffer(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		s.log.ErrorContext(r.Context(), "render error page", "err", err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	writeBuffered(w, status, buf)
}

// detail is the full text of an error for development pages, with the
// stack of a panic.
func detail(err error) string {
	if err == nil {
		return ""
	}
	var pe *actions.PanicError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%v\n\n%s", err, pe.Stack)
	}
	return err.Error()
}

func newDigest() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
