package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/formwork-dev/formwork/actions"
)

// DefaultPageHeaders returns the headers that every page and error page
// carries when Config.PageHeaders is nil:
//
//   - a strict Content-Security-Policy: scripts, styles, images, fonts and
//     fetches from the page's own origin only, no inline script or style,
//     forms posting to the same origin, and no framing
//     (frame-ancestors 'none'). The vendored htmx 2 and 4, idiomorph and
//     formwork.js need nothing more, with views.HTMXConfig (it turns off
//     htmx 2's inline indicator styles; formwork.css has them). An app
//     that uses hx-on, hx-vals with "js:", or event filters (hx-trigger
//     "click[...]") needs script-src 'unsafe-eval', for htmx evaluates
//     those; one that loads scripts or styles from elsewhere names them;
//   - Referrer-Policy: strict-origin-when-cross-origin;
//   - X-Content-Type-Options: nosniff;
//   - X-Frame-Options: DENY, for browsers that predate frame-ancestors.
//
// Change a copy and set it as Config.PageHeaders to send others.
func DefaultPageHeaders() http.Header {
	return http.Header{
		"Content-Security-Policy": {"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
			"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"},
		"Referrer-Policy":        {"strict-origin-when-cross-origin"},
		"X-Content-Type-Options": {"nosniff"},
		"X-Frame-Options":        {"DENY"},
	}
}

// setPageHeaders fixes the headers pages carry: Config.PageHeaders, or the
// defaults, whose form-action also allows Config.RedirectOrigins (a form
// that redirects there after its POST counts as posting there).
func (s *Server) setPageHeaders() {
	if s.cfg.PageHeaders != nil {
		s.pageHeaders = http.Header{}
		for k, v := range s.cfg.PageHeaders {
			s.pageHeaders[http.CanonicalHeaderKey(k)] = slices.Clip(slices.Clone(v))
		}
		return
	}
	s.pageHeaders = DefaultPageHeaders()
	if len(s.cfg.RedirectOrigins) > 0 {
		csp := s.pageHeaders.Get("Content-Security-Policy")
		csp = strings.Replace(csp, "form-action 'self'", "form-action 'self' "+strings.Join(s.cfg.RedirectOrigins, " "), 1)
		s.pageHeaders.Set("Content-Security-Policy", csp)
	}
	for k, v := range s.pageHeaders {
		s.pageHeaders[k] = v[:len(v):len(v)] // shared by every response: an Add copies
	}
}

// writePageHeaders sets the page headers that the page did not set itself,
// and marks a page rendered for a signed-in principal private, no-cache:
// a shared cache never keeps it, and the browser asks again before
// showing it again.
func (s *Server) writePageHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range s.pageHeaders {
		if _, set := h[k]; !set {
			h[k] = v
		}
	}
	if _, set := h["Cache-Control"]; !set && actions.PrincipalFrom(r.Context()) != nil {
		h["Cache-Control"] = headerBackable
	}
}
