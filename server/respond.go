package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/views"
)

// Caller is who sent a request, which decides the shape of the response.
type Caller int

// The kinds of caller.
const (
	Browser Caller = iota // a plain browser, JavaScript off or on
	HTMX                  // htmx 2 or 4: the HX-Request header
	JSON                  // Accept prefers application/json
)

// CallerOf tells who sent r.
func CallerOf(r *http.Request) Caller {
	if r.Header.Get("HX-Request") == "true" {
		return HTMX
	}
	if prefersJSON(r.Header.Get("Accept")) {
		return JSON
	}
	return Browser
}

// prefersJSON reports whether an Accept header ranks application/json above
// text/html.
func prefersJSON(accept string) bool {
	if !strings.Contains(accept, "json") {
		return false
	}
	jsonQ, htmlQ := -1.0, -1.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && k == "q" {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case "application/json":
			jsonQ = max(jsonQ, q)
		case "text/html", "*/*":
			htmlQ = max(htmlQ, q)
		}
	}
	return jsonQ > 0 && jsonQ > htmlQ
}

// StatusOf maps a result to its HTTP status: the one table of formwork.
func StatusOf(res *actions.Result) int {
	switch res.Status {
	case actions.StatusOK:
		return http.StatusOK
	case actions.StatusInvalid:
		return http.StatusUnprocessableEntity
	}
	return StatusOfKind(res.Kind)
}

// kindStatus is the one table from error kinds to HTTP statuses.
var kindStatus = [...]int{
	actions.KindInternal:         http.StatusInternalServerError,
	actions.KindInvalid:          http.StatusUnprocessableEntity,
	actions.KindUnauthenticated:  http.StatusUnauthorized,
	actions.KindForbidden:        http.StatusForbidden,
	actions.KindNotFound:         http.StatusNotFound,
	actions.KindConflict:         http.StatusConflict,
	actions.KindMalformed:        http.StatusBadRequest,
	actions.KindUnknownAction:    http.StatusConflict,
	actions.KindTooLarge:         http.StatusRequestEntityTooLarge,
	actions.KindUnsupportedMedia: http.StatusUnsupportedMediaType,
}

// StatusOfKind maps an error kind to its HTTP status; an unknown kind is an
// internal error.
func StatusOfKind(k actions.Kind) int {
	if int(k) < len(kindStatus) {
		return kindStatus[k]
	}
	return http.StatusInternalServerError
}

// respond writes the response to an action call, shaped for its caller.
// Page is nil for callers of the action endpoint.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, res *actions.Result, page PageFunc) {
	h := w.Header()
	h["Cache-Control"] = headerNoStore
	if len(h["Vary"]) == 0 {
		h["Vary"] = headerVaryCaller
	} else {
		h["Vary"] = append(h["Vary"], "HX-Request, Accept")
	}
	for _, c := range res.Cookies {
		http.SetCookie(w, c)
	}
	if res.Kind == actions.KindTooLarge {
		s.linger(w, r)
	}
	caller := CallerOf(r)
	if res.OK() && res.Redirect != "" {
		target, err := s.checkRedirect(res.Redirect)
		if err != nil {
			s.log.ErrorContext(r.Context(), "refused redirect", "action", res.Action, "target", res.Redirect, "err", err)
			res.Redirect = ""
		} else {
			res.Redirect = target
		}
	}
	// A caller that moves to another page sees the message there, as a
	// one-time flash; htmx without a redirect sees it in the fragment.
	navigates := caller == Browser || (caller == HTMX && res.Redirect != "")
	if navigates && res.OK() && res.Message != "" && (res.Redirect == "" || isLocalPath(res.Redirect)) {
		s.setFlash(w, r, res.Message)
	}
	status := StatusOf(res)
	switch caller {
	case JSON:
		s.writeJSON(w, r, status, res)
		return
	case HTMX:
		if header, target := s.htmxRedirect(r, res); header != "" {
			h.Set(header, target)
			w.WriteHeader(http.StatusOK) // htmx acts on the header of a 2xx
			return
		}
	case Browser:
		switch {
		case res.OK() && res.Redirect != "":
			http.Redirect(w, r, res.Redirect, http.StatusSeeOther)
			return
		case res.OK():
			http.Redirect(w, r, s.backURL(r, page != nil), http.StatusSeeOther)
			return
		case res.Kind == actions.KindUnauthenticated:
			http.Redirect(w, r, s.loginURL(s.backURL(r, page != nil)), http.StatusSeeOther)
			return
		}
	}
	if page == nil {
		s.writeError(w, r, status, res)
		return
	}
	s.renderPage(w, r, page, res, status)
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

// htmxRedirect names the header, and its target, that sends an htmx caller
// elsewhere: HX-Location for a redirect within the page's shell, HX-Redirect
// for a full load (a sign-in, or a caller who must sign in first).
func (s *Server) htmxRedirect(r *http.Request, res *actions.Result) (header, target string) {
	switch {
	case res.OK() && res.Redirect != "" && res.FullReload:
		return "HX-Redirect", res.Redirect
	case res.OK() && res.Redirect != "":
		return "HX-Location", res.Redirect
	case res.Kind == actions.KindUnauthenticated:
		return "HX-Redirect", s.loginURL(htmxCurrentPath(r))
	}
	return "", ""
}

// renderPage renders a page to a buffer, cut to the htmx target's fragment
// for htmx callers, and writes it with status only once rendering succeeded.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, page PageFunc, res *actions.Result, status int) {
	c, err := page(w, r, res)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := views.WithPath(r.Context(), requestPath(r))
	buf := getBuffer()
	defer putBuffer(buf)
	h := w.Header()
	h["Content-Type"] = headerHTML
	if len(h["Vary"]) == 0 {
		h["Vary"] = headerVaryHX // a GET; an action's response says more already
	}
	if CallerOf(r) == HTMX {
		target := htmxTarget(r)
		if target == "" && res != nil {
			target = res.Form
		}
		if target != "" {
			if err := templ.RenderFragments(ctx, buf, c, target); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if buf.Len() == 0 {
			// The target is not on the page as it is now (an out-of-date
			// form): send the whole page to replace the body.
			h.Set("HX-Retarget", "body")
			h.Set("HX-Reswap", "innerHTML")
		}
	}
	if buf.Len() == 0 {
		if err := c.Render(ctx, buf); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	writeBuffered(w, status, buf)
}

// writeBuffered writes a fully rendered body with its length, so that it
// leaves in one piece rather than chunked.
func writeBuffered(w http.ResponseWriter, status int, buf *bytes.Buffer) {
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// requestPath is the path and query the request was sent to, escaped, as
// forms post it back; with no query it allocates nothing.
func requestPath(r *http.Request) string {
	p := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	return p
}

// htmxTarget returns the DOM id of the element htmx will swap: htmx 2 sends
// the id, htmx 4 a selector such as "form#f-abc".
func htmxTarget(r *http.Request) string {
	t := r.Header.Get("HX-Target")
	if _, id, ok := strings.Cut(t, "#"); ok {
		t = id
	}
	if u, err := url.PathUnescape(t); err == nil {
		t = u
	}
	return t
}

// htmxCurrentPath is the path of the page htmx is on, when it is ours.
func htmxCurrentPath(r *http.Request) string {
	u, err := url.Parse(r.Header.Get("HX-Current-URL"))
	if err != nil || u.Path == "" || (u.Host != "" && u.Host != r.Host) {
		return ""
	}
	return u.RequestURI()
}

// backURL is where a browser goes after a success without a redirect: the
// page itself, or for the action endpoint the same-origin page it came from.
func (s *Server) backURL(r *http.Request, isPage bool) string {
	if isPage {
		return r.URL.RequestURI()
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && isLocalPath(ref.Path) {
		return ref.RequestURI()
	}
	return "/"
}

func (s *Server) loginURL(next string) string {
	if next == "" || !isLocalPath(next) {
		return s.cfg.LoginPath
	}
	return s.cfg.LoginPath + "?next=" + url.QueryEscape(next)
}

// isLocalPath reports whether p is a path on this origin: it starts with
// one slash, and no browser reads it as another host ("//evil", "/\evil").
func isLocalPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "/\\") &&
		!strings.ContainsAny(p, "\r\n\t\x00")
}

// checkRedirect accepts a local path, or an absolute URL whose origin is on
// the allowlist.
func (s *Server) checkRedirect(target string) (string, error) {
	if isLocalPath(target) {
		return target, nil
	}
	u, err := url.Parse(target)
	if err != nil || strings.ContainsAny(target, "\r\n\t\x00\\") {
		return "", errors.New("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("scheme %q", u.Scheme)
	}
	if !s.redirects[strings.ToLower(u.Scheme+"://"+u.Host)] {
		return "", fmt.Errorf("origin %s://%s is not in Config.RedirectOrigins", u.Scheme, u.Host)
	}
	return u.String(), nil
}

func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		s.fail(w, r, fmt.Errorf("encode JSON: %w", err))
		return
	}
	w.Header()["Content-Type"] = headerJSON
	writeBuffered(w, status, buf)
}

// Header values that never change, shared rather than allocated per
// response. Each has capacity one, so an Add elsewhere copies it.
var (
	headerNoStore = []string{"no-store"}
	headerHTML    = []string{"text/html; charset=utf-8"}
	headerJSON    = []string{"application/json"}
	headerVaryHX  = []string{"HX-Request"}
	// headerVaryCaller: who calls an action decides the response's shape.
	headerVaryCaller = []string{"HX-Request, Accept"}
)

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return // let a rare huge page go
	}
	b.Reset()
	buffers.Put(b)
}
