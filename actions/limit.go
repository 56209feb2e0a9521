package actions

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// A Limiter keeps an allowance of calls per key, such as a client address
// or an email. [NewMemoryLimiter] keeps it in this process; a shared
// store can implement Limiter for many instances.
type Limiter interface {
	// Take takes one call under key from its allowance. When the allowance
	// is spent, it returns how long until a call is free again, and takes
	// nothing. Otherwise refund, when called, gives the call back: it did
	// not count (a sign-in that succeeded, under [LimitFailures]).
	Take(ctx context.Context, key string) (refund func(), wait time.Duration, err error)
}

// A Key says what a limit counts calls by: [ByAddress], [ByPrincipal] or
// [ByField].
type Key struct {
	name    string
	request func(r *http.Request) string // a key known before the body is read
	field   string                       // or a field of the input
}

// ByAddress counts calls by the client's IP address, as the server sees it
// (the request's RemoteAddr). Behind a proxy that is the proxy's: put the
// server's real client address in RemoteAddr first, from headers only a
// trusted proxy sets.
func ByAddress() Key {
	return Key{name: "address", request: func(r *http.Request) string {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			return r.RemoteAddr
		}
		return host
	}}
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

// ByField counts calls by the value of an input field, such as "email",
// its case and surrounding spaces ignored. The body is read and decoded
// before this key is known; address and principal keys are checked before
// the body is read.
func ByField(name string) Key { return Key{name: "field:" + name, field: name} }

// Limit limits calls of the action per key: over the limiter's allowance
// a call fails with [KindTooManyRequests] (429, with Retry-After) and the
// mutation does not run. Every call counts, whatever its outcome. Limits
// apply to calls over HTTP; [Action.Call] from Go is not limited.
func Limit(l Limiter, key Key) Option {
	return optionFunc(func(o *options) { o.limits = append(o.limits, limit{l, key, false}) })
}

// LimitFailures is [Limit] counting only the calls the mutation refused
// (invalid, unauthenticated, forbidden, not found, conflict): five wrong
// passwords per email, while a right one costs nothing.
func LimitFailures(l Limiter, key Key) Option {
	return optionFunc(func(o *options) { o.limits = append(o.limits, limit{l, key, true}) })
}

type limit struct {
	l        Limiter
	key      Key
	failures bool // count only refused calls
}

// refunds are the calls a limit gives back when the call did not fail.
type refunds []func()

func (rs refunds) settle(err error) {
	if err != nil && refused(err) {
		return
	}
	for _, r := range rs {
		r()
	}
}

// takeRequest takes the call from the allowances keyed by the request, as
// admit does, before the body is read.
func (c *core) takeRequest(r *http.Request) (refunds, error) {
	return c.take(r.Context(), func(k Key) (string, bool) {
		if k.request == nil {
			return "", false
		}
		return k.request(r), true
	})
}

// takeInput takes the call from the allowances keyed by a field of in (a
// *In), once the body is decoded.
func (c *core) takeInput(ctx context.Context, in any) (refunds, error) {
	return c.take(ctx, func(k Key) (string, bool) {
		if k.field == "" {
			return "", false
		}
		return strings.ToLower(strings.TrimSpace(c.fieldValue(in, k.field))), true
	})
}

func (c *core) take(ctx context.Context, keyOf func(Key) (string, bool)) (refunds, error) {
	var rs refunds
	for _, lim := range c.opts.limits {
		key, ok := keyOf(lim.key)
		if !ok {
			continue
		}
		refund, wait, err := lim.l.Take(ctx, c.name+"\x00"+lim.key.name+"\x00"+key)
		switch {
		case err != nil:
			rs.settle(nil)
			return nil, &Error{Kind: KindInternal, Err: fmt.Errorf("limit %s: %w", lim.key.name, err)}
		case wait > 0:
			rs.settle(nil)
			return nil, TooManyRequests(wait)
		case lim.failures && refund != nil:
			rs = append(rs, refund)
		}
	}
	return rs, nil
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
// form name, in (a *In).
func (c *core) fieldValue(in any, name string) string {
	f, ok := c.Field(name)
	if !ok || f.index == nil {
		return "" // Register refused such a limit
	}
	return fmt.Sprint(reflect.ValueOf(in).Elem().FieldByIndex(f.index).Interface())
}
