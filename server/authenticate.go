package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/formwork-dev/formwork/actions"
)

// Authenticate is middleware that puts the principal of each request, as
// Config.Authenticate finds it, in the request's context for policies and
// pages to read with [actions.PrincipalFrom]. A failing Authenticate is an
// internal error. With no Config.Authenticate it passes requests through.
func (s *Server) Authenticate(next http.Handler) http.Handler {
	if s.cfg.Authenticate == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.cfg.Authenticate(r)
		if err != nil {
			s.fail(w, r, fmt.Errorf("authenticate: %w", err))
			return
		}
		if p != nil {
			r = r.WithContext(actions.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

// withCurrentPrincipal returns r with the principal as Config.Authenticate
// finds it after a mutation that succeeded, or found a conflict: either
// may mean it changed (a new name, a role, a new session in a cookie the
// mutation set, an account gone), and the page rendered after the action
// shows no stale principal, nor binds a stale version of it. Without Config.Authenticate r is returned as it
// is, and so it is when Authenticate fails: the mutation has succeeded,
// and the page renders for the principal the request came with, the
// failure logged.
func (s *Server) withCurrentPrincipal(r *http.Request, res *actions.Result) *http.Request {
	if s.cfg.Authenticate == nil {
		return r
	}
	p, err := s.cfg.Authenticate(withCookiesSet(r, res.Cookies))
	if err != nil {
		s.log.ErrorContext(r.Context(), "authenticate after an action", "action", res.Action, "err", err)
		return r
	}
	// A nil p replaces the principal the request came with.
	return r.WithContext(actions.WithPrincipal(r.Context(), p))
}

// withCookiesSet returns r as its next request would be, once the browser
// has stored the cookies set: those replace the request's cookies of the
// same name, and a deleted one (MaxAge < 0) is gone.
func withCookiesSet(r *http.Request, set []*http.Cookie) *http.Request {
	if len(set) == 0 {
		return r
	}
	next := r.Clone(r.Context())
	next.Header.Del("Cookie")
	for _, c := range r.Cookies() {
		if !slices.ContainsFunc(set, func(s *http.Cookie) bool { return s.Name == c.Name }) {
			next.AddCookie(c)
		}
	}
	now := time.Now()
	for _, c := range set {
		deleted := c.MaxAge < 0 || !c.Expires.IsZero() && c.Expires.Before(now)
		if !deleted {
			next.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	return next
}

// BearerToken returns the token of r's "Authorization: Bearer <token>"
// header (RFC 6750; the scheme in any case), or "" when it has none: for a
// Config.Authenticate that takes a mobile client's token as well as a
// browser's session, so that both give the same principal to the same
// policies.
func BearerToken(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}
