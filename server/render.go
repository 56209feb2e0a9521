package server

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/views"
)

// renderPage renders a page to a buffer, cut to the htmx target's fragment
// for htmx callers, and writes it with status and its headers only once
// rendering succeeded: half a page never leaves, and neither does a header
// that asks htmx to put the page in place of the body.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, page PageFunc, res *actions.Result, status int) {
	c, err := page(w, r, res)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h["Content-Type"] = headerHTML
	if len(h["Vary"]) == 0 {
		h["Vary"] = headerVaryHX // a GET; an action's response says more already
	}
	buf := getBuffer()
	defer putBuffer(buf)
	morph, oneTime, err := renderResultPage(w, r, res, c, buf)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if morph {
		morphPage(w, r)
	}
	if oneTime && r.Method != http.MethodPost {
		// Back must load the page anew, with a fresh one-time token,
		// rather than show it from the back/forward cache.
		h["Cache-Control"] = headerNoStore
	}
	s.writePageHeaders(w, r)
	writeBuffered(w, status, buf)
}

// renderResultPage renders the page, or the fragments htmx swaps, with the
// result, and reports whether htmx is to morph the whole page into the
// body, and whether a form on it carries a one-time token. When no form on
// the page showed the result (its form is gone), it renders again with the
// result in the page's views.Notice, so that nothing happens silently.
func renderResultPage(w http.ResponseWriter, r *http.Request, res *actions.Result, c templ.Component, buf *bytes.Buffer) (morph, oneTime bool, err error) {
	ctx, rendered := views.Track(views.WithPath(r.Context(), requestPath(r)))
	target, morph := fragmentTarget(r, res)
	if err := renderTo(ctx, r, c, target, buf); err != nil {
		return false, false, err
	}
	if res == nil || res.Action == "" || rendered.ResultShown() {
		return morph, rendered.OneTime(), nil
	}
	buf.Reset()
	if err := renderTo(views.WithResultUnshown(ctx), r, c, target, buf); err != nil {
		return false, false, err
	}
	if target != "" && !res.OK() && !bytes.Contains(buf.Bytes(), []byte(`id="`+target+`"`)) {
		// The form is not on the page now: keep it as the user left it,
		// with what they typed, and say why in the Notice.
		w.Header()[headerKeyReswap] = headerNone
	}
	return morph, rendered.OneTime(), nil
}

// fragmentTarget is the fragment an htmx caller swaps, "" for the whole
// page, and whether that page is to be morphed into the body. A views.Form
// (it sends _form) that succeeded, or found a conflict (someone else saved
// since: the page is stale too), gets the whole page, morphed, so that no
// part of it is stale; so does a form of an older deploy, whose action is
// unknown here and whose fragment may be gone. Any other htmx caller, such
// as a hand-written hx-post, gets the fragment its HX-Target names.
func fragmentTarget(r *http.Request, res *actions.Result) (target string, morph bool) {
	if CallerOf(r) != CallerHTMX {
		return "", false
	}
	if res != nil && r.Method == http.MethodPost && (res.Kind == actions.KindUnknownAction || morphed(res)) {
		return "", true
	}
	target = htmxTarget(r)
	if target == "" && res != nil {
		target = res.Form
	}
	return target, false
}

// morphed reports whether the answer to a views.Form's result is the whole
// page, morphed: after a success, and after a conflict.
func morphed(res *actions.Result) bool {
	return res.Form != "" && (res.OK() || res.Kind == actions.KindConflict)
}

// morphPage asks htmx to morph the whole page it is sent into the body:
// htmx 4 (which sends HX-Request-Type) with its own outerMorph, htmx 2
// with idiomorph's morph extension. Matched elements are kept, so focus
// stays, and formwork.js keeps what the user is typing in other forms. An
// htmx 2 page without the extension swaps the body's inner HTML instead:
// still never stale, only less gentle. The answer depends on
// HX-Request-Type, which Vary need not name: an action's answer is never
// stored (no-store, or private, no-cache for a browser's, which sends no
// HX- headers).
func morphPage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h[headerKeyRetarget] = headerBody
	if r.Header.Get("HX-Request-Type") != "" {
		h[headerKeyReswap] = headerOuterMorph
	} else {
		h[headerKeyReswap] = headerMorphInner
	}
}

// renderTo renders c, or its target fragment; an action's response to
// htmx also replaces the page's Notice out of band. A GET whose target the
// page does not have renders the whole page, for hx-select to pick from.
func renderTo(ctx context.Context, r *http.Request, c templ.Component, target string, buf *bytes.Buffer) error {
	if target == "" {
		return c.Render(ctx, buf)
	}
	if r.Method == http.MethodPost {
		return templ.RenderFragments(views.WithOutOfBand(ctx), buf, c, target, views.NoticeID)
	}
	if err := templ.RenderFragments(ctx, buf, c, target); err != nil || buf.Len() > 0 {
		return err
	}
	return c.Render(ctx, buf)
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

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return // let a rare huge page go
	}
	b.Reset()
	buffers.Put(b)
}
