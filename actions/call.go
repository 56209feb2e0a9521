package actions

import (
	"context"
	"encoding/json"
	"net/http"
)

// call is what a mutation records through its context: where to go next,
// what to tell the user, cookies to set and what to revalidate.
type call struct {
	req        *http.Request
	redirect   string
	fullReload bool
	message    string
	cookies    []*http.Cookie
	tags       []string
	paths      []string
	once       string // the sealed one-time token the form sent, for Once
	mutated    bool   // the mutation ran, whatever its outcome
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

// RequestFrom returns the HTTP request behind an action call, or nil for a
// direct call from Go.
func RequestFrom(ctx context.Context) *http.Request {
	if c := callFrom(ctx); c != nil {
		return c.req
	}
	return nil
}

// outcome encodes what a second submission of a Once form replays of this
// call: where it redirected, and its message.
func (c *call) outcome() string {
	b, _ := json.Marshal(onceOutcome{Redirect: c.redirect, FullReload: c.fullReload, Message: c.message})
	return string(b)
}

// replay sets what the first call of a Once form recorded as this call's,
// and reports false when that call failed, which leaves nothing to replay.
func (c *call) replay(outcome string) bool {
	var o onceOutcome
	if json.Unmarshal([]byte(outcome), &o) != nil || o.Failed {
		return false
	}
	c.redirect, c.fullReload, c.message = o.Redirect, o.FullReload, o.Message
	return true
}

type onceOutcome struct {
	Redirect   string `json:"redirect,omitempty"`
	FullReload bool   `json:"full_reload,omitempty"`
	Message    string `json:"message,omitempty"`
	Failed     bool   `json:"failed,omitempty"` // after a failure that may have written
}

// onceFailed is the outcome of a first call that failed after it may have
// written: a second submission is told the form was sent already.
const onceFailed = `{"failed":true}`
