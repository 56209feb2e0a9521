package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
)

// fail answers a request that failed outside an action call: a page whose
// render returned an error, a panic, a failed authentication. An internal
// error met after the client went away is not ours: it is answered, and
// logged, as the client gone (see [actions.ClientGone]).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	err = actions.ClientGone(r.Context(), err)
	res := actions.ErrorResult(err)
	s.note(w, res)
	if res.Kind == actions.KindUnauthenticated && s.sendToLogin(w, r) {
		return
	}
	s.writeError(w, r, res)
}

// sendToLogin sends a browser (303) or htmx (HX-Redirect) to the login
// page, to come back to this one, and reports whether it did: a page that
// needs a principal, whatever the method, as an action that needs one.
func (s *Server) sendToLogin(w http.ResponseWriter, r *http.Request) bool {
	switch CallerOf(r) {
	case CallerBrowser:
		http.Redirect(w, r, s.loginURL(backURL(r, true)), http.StatusSeeOther)
	case CallerHTMX:
		w.Header().Set("HX-Redirect", s.loginURL(htmxCurrentPath(r)))
		w.WriteHeader(http.StatusOK) // htmx acts on the headers of a 2xx
	default:
		return false
	}
	return true
}

// reveal puts an internal error's detail in place of its generic words, in
// development only, for a result that a page's form or a JSON caller of an
// action shows.
func (s *Server) reveal(res *actions.Result) *actions.Result {
	if res.Digest != "" && s.cfg.Dev {
		res.Error = detail(res.Err)
	}
	return res
}

// writeError writes an error response with no page behind it, shaped for
// the caller: JSON, or the error page (a fragment of it for htmx).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, res *actions.Result) {
	status := StatusOf(res)
	if CallerOf(r) == CallerJSON {
		s.writeJSON(w, r, status, res)
		return
	}
	info := ErrorInfo{Status: status, Message: res.Error, Digest: res.Digest}
	if res.Digest != "" {
		info.Message = res.Kind.Message() // res.Error may hold the detail already
		if s.cfg.Dev {
			info.Detail = detail(res.Err)
		}
	}
	if info.Message == "" {
		info.Message = http.StatusText(status)
	}
	c := s.errorPage(info)
	if CallerOf(r) == CallerHTMX {
		c = errorFragment(info, res.Fields)
	}
	buf := getBuffer()
	defer putBuffer(buf)
	// The error page renders even when the request's context has ended: a
	// client that went away may still read its answer.
	if err := c.Render(context.WithoutCancel(r.Context()), buf); err != nil {
		s.log.ErrorContext(r.Context(), "render error page", "err", err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header()["Content-Type"] = headerHTML
	w.Header()["Cache-Control"] = headerNoStore
	keepForBack(w, r)
	s.writePageHeaders(w, r)
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

// errorPage returns the app's error page for info, or the built-in one.
func (s *Server) errorPage(info ErrorInfo) templ.Component {
	if s.cfg.ErrorPage != nil {
		return s.cfg.ErrorPage(info)
	}
	return errorPage(info)
}
