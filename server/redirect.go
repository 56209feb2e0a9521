package server

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/formwork-dev/formwork/actions"
)

// isLocalPath reports whether p is a path on this origin: it starts with
// one slash, and no browser reads it as another host ("//evil", "/\evil").
func isLocalPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "/\\") &&
		!strings.ContainsAny(p, "\r\n\t\x00")
}

// checkRedirect accepts a local path, or an absolute URL whose origin is on
// the allowlist. Nothing comes from Host or X-Forwarded-Host.
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

// backURL is where a browser goes after a success without a redirect: the
// page itself, or for the action endpoint the same-origin page it came from.
func backURL(r *http.Request, isPage bool) string {
	if isPage {
		if u := r.URL.RequestURI(); isLocalPath(u) {
			return u // a router that does not clean paths may pass "//evil"
		}
		return "/"
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && isLocalPath(ref.Path) {
		return ref.RequestURI()
	}
	return "/"
}

// loginURL is the login page, with next when it is a local path.
func (s *Server) loginURL(next string) string {
	if next == "" || !isLocalPath(next) {
		return s.cfg.LoginPath
	}
	return s.cfg.LoginPath + "?next=" + url.QueryEscape(next)
}

// htmxCurrentPath is the path of the page htmx is on, when it is ours.
func htmxCurrentPath(r *http.Request) string {
	u, err := url.Parse(r.Header.Get("HX-Current-URL"))
	if err != nil || u.Path == "" || (u.Host != "" && u.Host != r.Host) {
		return ""
	}
	return u.RequestURI()
}

// Redirect answers r, in a route handler, with a redirect to target: a
// same-origin path, or an absolute URL whose origin is in
// Config.RedirectOrigins. A form's POST gets 303 See Other, which the
// browser follows with a GET; anything else gets 307 Temporary Redirect,
// which keeps the method and body. A target that is neither is an error of
// kind [actions.KindMalformed] and nothing is written: a "next" parameter
// never sends a caller to another site.
func (s *Server) Redirect(w http.ResponseWriter, r *http.Request, target string) error {
	status := http.StatusTemporaryRedirect
	if r.Method == http.MethodPost && isFormBody(r) {
		status = http.StatusSeeOther
	}
	return s.redirect(w, target, status)
}

// RedirectPermanent answers r with 308 Permanent Redirect to target, on
// the terms of [Server.Redirect]: the resource has moved for good, and
// the method and body are kept.
func (s *Server) RedirectPermanent(w http.ResponseWriter, r *http.Request, target string) error {
	return s.redirect(w, target, http.StatusPermanentRedirect)
}

func (s *Server) redirect(w http.ResponseWriter, target string, status int) error {
	to, err := s.checkRedirect(target)
	if err != nil {
		return &actions.Error{Kind: actions.KindMalformed, Message: "The redirect target is not allowed.",
			Err: fmt.Errorf("redirect to %.80q: %w", target, err)}
	}
	w.Header().Set("Location", to)
	w.WriteHeader(status)
	return nil
}

// isFormBody reports whether r came from a form, as a browser sends one:
// a navigation, or a body of one of the three encodings a form has.
func isFormBody(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Mode") == "navigate" {
		return true
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded", "multipart/form-data", "text/plain":
		return true
	}
	return false
}
