package actions

import (
	"context"
	"net/http"
)

// Principal is who is calling: a signed-in user, a service, or nil for
// nobody. The app's authentication puts it in the request context with
// [WithPrincipal]; policies read it.
type Principal interface {
	// Subject identifies the principal, for logs and audits.
	Subject() string
	// HasRole reports whether the principal holds role.
	HasRole(role string) bool
}

type principalKey struct{}

// WithPrincipal returns a copy of ctx that carries p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, or nil.
func PrincipalFrom(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}

// call is what a mutation records through its context.
type call struct {
	req        *http.Request
	redirect   string
	fullReload bool
	message    string
	cookies    []*http.Cookie
	tags       []string
	paths      []string
}

type callKey struct{}

func callFrom(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

// Redirect asks for the caller to be sent to target once the action has
// succeeded: a 303 for a browser, HX-Location for htmx, and a "redirect"
// field for JSON. Target is a same-origin path such as "/invoices/7"; an
// absolute URL is refused unless its origin is on the server's allowlist.
// Outside an action call it does nothing.
func Redirect(ctx context.Context, target string) {
	if c := callFrom(ctx); c != nil {
		c.redirect, c.fullReload = target, false
	}
}

// RedirectFull is [Redirect] with a full page load for htmx callers
// (HX-Redirect rather than HX-Location), for changes such as signing in
// that alter the whole page.
func RedirectFull(ctx context.Context, target string) {
	if c := callFrom(ctx); c != nil {
		c.redirect, c.fullReload = target, true
	}
}

// SetMessage sets the message shown to the user after success: a one-time
// flash after a browser's 303, or in the form's fragment for htmx.
func SetMessage(ctx context.Context, msg string) {
	if c := callFrom(ctx); c != nil {
		c.message = msg
	}
}

// SetCookie adds a cookie to whatever response leaves, the 303 included.
func SetCookie(ctx context.Context, cookie *http.Cookie) {
	if c := callFrom(ctx); c != nil {
		c.cookies = append(c.cookies, cookie)
	}
}

// Request returns the HTTP request behind an action call, or nil for a
// direct call from Go.
func Request(ctx context.Context) *http.Request {
	if c := callFrom(ctx); c != nil {
		return c.req
	}
	return nil
}
