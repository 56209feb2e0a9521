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
// for htmx callers, and writes it with status only once rendering
// succeeded: half a page never leaves.
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
	if CallerOf(r) == CallerHTMX {
		if err := renderFragment(ctx, r, res, c, buf); err != nil {
			s.fail(w, r, err)
			return
		}
		if buf.Len() == 0 && r.Method == http.MethodPost {
			// The form is not on the page as it is now (an out-of-date
			// form): send the whole page to replace the body. A GET gets
			// the whole page as it asked, for hx-select to pick from.
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

// renderFragment renders the fragment that htmx swaps: its target, or the
// form that submitted. It renders nothing when the page has no such
// fragment.
func renderFragment(ctx context.Context, r *http.Request, res *actions.Result, c templ.Component, buf *bytes.Buffer) error {
	target := htmxTarget(r)
	if target == "" && res != nil {
		target = res.Form
	}
	if target == "" {
		return nil
	}
	return templ.RenderFragments(ctx, buf, c, target)
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
