package server

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/formwork-dev/formwork/actions"
)

// respond writes the response to an action call, shaped for its caller.
// Page is nil for callers of the action endpoint.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, res *actions.Result, page PageFunc) {
	setActionHeaders(w, res)
	if res.Kind == actions.KindTooLarge {
		s.linger(w, r)
	}
	if res.OK() && res.Redirect != "" {
		s.checkResultRedirect(r, res)
	}
	switch CallerOf(r) {
	case CallerJSON:
		s.writeJSON(w, r, StatusOf(res), res)
	case CallerHTMX:
		s.respondHTMX(w, r, res, page)
	default:
		s.respondBrowser(w, r, res, page)
	}
}

// setActionHeaders sets what every action response carries, whoever the
// caller: it is never cached, it varies by caller, and it sets the
// mutation's cookies.
func setActionHeaders(w http.ResponseWriter, res *actions.Result) {
	h := w.Header()
	h["Cache-Control"] = headerNoStore
	if len(h["Vary"]) == 0 {
		h["Vary"] = headerVaryCaller
	} else {
		h.Add("Vary", headerVaryCaller[0])
	}
	for _, c := range res.Cookies {
		http.SetCookie(w, c)
	}
	if n := res.RetryAfterSeconds(); n > 0 {
		h.Set("Retry-After", strconv.FormatInt(n, 10))
	}
}

// checkResultRedirect keeps the result's redirect target only when
// [Server.checkRedirect] accepts it; a refused one is logged and dropped,
// and the caller stays on the page.
func (s *Server) checkResultRedirect(r *http.Request, res *actions.Result) {
	target, err := s.checkRedirect(res.Redirect)
	if err != nil {
		s.log.ErrorContext(r.Context(), "refused redirect", "action", res.Action, "target", res.Redirect, "err", err)
	}
	res.Redirect = target
}

// respondBrowser answers a plain browser: 303 after success (the message
// as a one-time flash on the page it lands on), 303 to the login page, or
// the page again with the result.
func (s *Server) respondBrowser(w http.ResponseWriter, r *http.Request, res *actions.Result, page PageFunc) {
	switch {
	case res.OK():
		target := res.Redirect
		if target == "" {
			target = backURL(r, page != nil)
		}
		s.flashFor(w, r, res, target)
		http.Redirect(w, r, target, http.StatusSeeOther)
	case res.Kind == actions.KindUnauthenticated:
		http.Redirect(w, r, s.loginURL(backURL(r, page != nil)), http.StatusSeeOther)
	default:
		keepForBack(w, r)
		s.renderResult(w, r, res, page)
	}
}

// keepForBack marks the page that answers a plain browser's POST (an
// invalid submit, a conflict, any error) private, no-cache rather than
// no-store. A browser keeps no copy of a no-store answer to a POST, so Back
// to it, after the next submit succeeded, shows "Confirm Form Resubmission"
// instead of the page; private, no-cache lets Back show the page as the
// user left it, while no shared cache keeps it and no load reuses it
// without asking. It holds no more than the page the user was on: the
// values it refills never include a sensitive field (actions.Sensitive).
// Redirects, htmx and JSON answers stay no-store.
func keepForBack(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && CallerOf(r) == CallerBrowser {
		w.Header()["Cache-Control"] = headerBackable
	}
}

// respondHTMX answers htmx: a redirect header on a 200 (htmx acts on the
// headers of a 2xx only), or the fragment of the page with the result.
func (s *Server) respondHTMX(w http.ResponseWriter, r *http.Request, res *actions.Result, page PageFunc) {
	header, target := s.htmxRedirect(r, res)
	if header == "" {
		s.renderResult(w, r, res, page)
		return
	}
	s.flashFor(w, r, res, target)
	w.Header().Set(header, target)
	w.WriteHeader(http.StatusOK)
}

// flashFor carries a successful result's message to the page a caller is
// sent to, as a one-time flash, when that page is ours.
func (s *Server) flashFor(w http.ResponseWriter, r *http.Request, res *actions.Result, target string) {
	if res.OK() && res.Message != "" && isLocalPath(target) {
		s.setFlash(w, r, res.Message)
	}
}

// htmxRedirect names the header, and its target, that sends an htmx caller
// elsewhere: HX-Location for a redirect within the page's shell, HX-Redirect
// for a full load (a sign-in, another origin, or a caller who must sign in
// first).
func (s *Server) htmxRedirect(r *http.Request, res *actions.Result) (header, target string) {
	switch {
	case res.OK() && res.Redirect != "" && (res.FullReload || !isLocalPath(res.Redirect)):
		return "HX-Redirect", res.Redirect // another origin is a full load too
	case res.OK() && res.Redirect != "":
		return "HX-Location", res.Redirect
	case res.Kind == actions.KindUnauthenticated:
		return "HX-Redirect", s.loginURL(htmxCurrentPath(r))
	}
	return "", ""
}

// renderResult renders the page with the result, or the error page when
// there is no page or the client is gone (a page render would fail on its
// canceled context). After a success or a conflict the page sees the
// principal as it is now (see withCurrentPrincipal).
func (s *Server) renderResult(w http.ResponseWriter, r *http.Request, res *actions.Result, page PageFunc) {
	if page == nil || res.Kind == actions.KindClientGone {
		s.writeError(w, r, res)
		return
	}
	if res.OK() || res.Kind == actions.KindConflict {
		r = s.withCurrentPrincipal(r, res)
	}
	s.renderPage(w, r, page, res, StatusOf(res))
}

// linger reads and discards what is left of an oversized body, up to one
// more body limit and for two seconds at the most, before the 413 leaves.
// A client still uploading when the server closes gets a connection reset
// instead of the response; a modest overshoot now reads its 413, while a
// huge upload is still cut off. The connection closes after the response.
func (s *Server) linger(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.CopyN(io.Discard, r.Body, s.cfg.Actions.MaxBodyBytes())
	rc.SetReadDeadline(time.Time{})
}
