package actions

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"reflect"
	"strings"
	"time"
)

// A Limiter keeps an allowance of calls per key, such as a client address
// or an email. [NewMemoryLimiter] keeps it in this process; a shared
// store can implement Limiter for many instances.
type Limiter interface {
	// Take takes one call under key from its allowance and returns 0, or,
	// when the allowance is spent, takes nothing and returns how long
	// until a call is free again.
	Take(ctx context.Context, key string) (wait time.Duration, err error)
	// Hold holds one call under key, when one is free: while held, the
	// call counts against the allowance, so that calls at the same moment
	// cannot all pass; release(true) takes it for good, release(false)
	// gives it back. When none is free it holds nothing and returns the
	// wait.
	Hold(ctx context.Context, key string) (release func(taken bool), wait time.Duration, err error)
}

// A Key says what a limit counts calls by: [ByAddress], [ByPrincipal] or
// [ByField].
type Key struct {
	name    string
	request func(r *http.Request) string // a key known before the body is read
	field   string                       // or a field of the input
}

// ByAddress counts calls by the client's IP address, as the server sees it
// (the request's RemoteAddr), and an IPv6 client by its /64, which one
// client holds whole. Behind a proxy that is the proxy's: put the real
// client address in RemoteAddr first, from headers only a trusted proxy
// sets.
func ByAddress() Key {
	return Key{name: "address", request: func(r *http.Request) string { return clientNet(r.RemoteAddr) }}
}

// clientNet is the address of addr ("host:port"), or its /64 for IPv6.
func clientNet(addr string) string {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return addr
	}
	ip := ap.Addr().Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// ByPrincipal counts calls by the signed-in principal's subject; callers
// with no principal share one allowance.
func ByPrincipal() Key {
	return Key{name: "principal", request: func(r *http.Request) string {
		if p := PrincipalFrom(r.Context()); p != nil {
			return p.Subject()
		}
		return ""
	}}
}

// ByField counts calls by the value of a top-level input field, such as
// "email", its case and surrounding spaces ignored. The body is read and
// decoded before this key is known; address and principal keys are checked
// before the body is read.
func ByField(name string) Key { return Key{name: "field:" + name, field: name} }

// Limit limits calls of the action per key: over the limiter's allowance
// a call fails with [KindTooManyRequests] (429, with Retry-After) and the
// mutation does not run. Every call counts, whatever its outcome. Limits
// apply to calls over HTTP; [Action.Call] from Go is not limited.
func Limit(l Limiter, key Key) Option {
	return optionFunc(func(o *options) { o.limits = append(o.limits, limit{l, key, false}) })
}

// LimitFailures is [Limit] counting only the calls whose mutation ran and
// refused (invalid, unauthenticated, forbidden, not found, conflict): five
// wrong passwords per email, while a right one, or a form that validation
// stopped before the mutation, costs nothing. A call holds its place in
// the allowance while it runs, so that many at once cannot all pass.
func LimitFailures(l Limiter, key Key) Option {
	return optionFunc(func(o *options) { o.limits = append(o.limits, limit{l, key, true}) })
}

type limit struct {
	l        Limiter
	key      Key
	failures bool // count only refused calls
}

// holds are the places that limits counting failures hold for a call.
type holds []func(taken bool)

// settle takes the held places for good when the mutation ran and
// refused, and gives them back otherwise: bad input that validation
// stopped, a 429, an outage, are not failures.
func (hs holds) settle(mutated bool, err error) {
	taken := mutated && failed(err)
	for _, release := range hs {
		release(taken)
	}
}

// failed reports whether err is the mutation refusing the input or the
// caller, as a wrong password is.
func failed(err error) bool {
	switch KindOf(err) {
	case KindInvalid, KindUnauthenticated, KindForbidden, KindNotFound, KindConflict:
		return true
	}
	return false
}

// takeRequest takes the call from the allowances keyed by the request, as
// admit does, before the body is read.
func (c *core) takeRequest(r *http.Request) (holds, error) {
	return c.take(r.Context(), func(k Key) (string, bool) {
		if k.request == nil {
			return "", false
		}
		return k.request(r), true
	})
}

// takeInput takes the call from the allowances keyed by a field of in (a
// *In), once the body is decoded.
func (c *core) takeInput(ctx context.Context, in any) (holds, error) {
	return c.take(ctx, func(k Key) (string, bool) {
		if k.field == "" {
			return "", false
		}
		return strings.ToLower(strings.TrimSpace(c.fieldValue(in, k.field))), true
	})
}

// take takes the call from each limit whose key keyOf knows; a limit that
// counts failures only holds a place for it, to settle once it ran.
func (c *core) take(ctx context.Context, keyOf func(Key) (string, bool)) (holds, error) {
	var hs holds
	for _, lim := range c.opts.limits {
		key, ok := keyOf(lim.key)
		if !ok {
			continue
		}
		key = c.name + "\x00" + lim.key.name + "\x00" + key
		var wait time.Duration
		var err error
		if lim.failures {
			var release func(bool)
			release, wait, err = lim.l.Hold(ctx, key)
			if release != nil {
				hs = append(hs, release)
			}
		} else {
			wait, err = lim.l.Take(ctx, key)
		}
		if err == nil && wait > 0 {
			err = TooManyRequests(wait)
		} else if err != nil {
			err = &Error{Kind: KindInternal, Err: fmt.Errorf("limit %s: %w", lim.key.name, err)}
		}
		if err != nil {
			hs.settle(false, nil)
			return nil, err
		}
	}
	return hs, nil
}

// limitFields are the input fields that limits count calls by.
func (o *options) limitFields() []string {
	var names []string
	for _, lim := range o.limits {
		if lim.key.field != "" {
			names = append(names, lim.key.field)
		}
	}
	return names
}

// fieldValue is the text of the top-level input field with the given
// form name, in (a *In); a nil pointer's is "".
func (c *core) fieldValue(in any, name string) string {
	f, ok := c.Field(name)
	if !ok || f.index == nil {
		return "" // Register refused such a limit
	}
	v := reflect.Indirect(reflect.ValueOf(in).Elem().FieldByIndex(f.index))
	if !v.IsValid() {
		return ""
	}
	return fmt.Sprint(v.Interface())
}
