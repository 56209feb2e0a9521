package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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
