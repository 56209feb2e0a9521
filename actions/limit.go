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
	// Take takes one call under key from its allowance and returns 0, or,
	// when the allowance is spent, takes nothing and returns how long
	// until a call is free again.
	Take(ctx context.Context, key string) (wait time.Duration, err error)
	// Wait returns how long until a call under key is free, 0 when one is
	// free now, and takes nothing.
	Wait(ctx context.Context, key string) (time.Duration, error)
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

// LimitFailures is [Limit] counting only the calls whose mutation ran and
// refused (invalid, unauthenticated, forbidden, not found, conflict): five
// wrong passwords per email, while a right one, or a form that validation
// stopped before the mutation, costs nothing.
func LimitFailures(l Limiter, key Key) Option {
	return optionFunc(func(o *options) { o.limits = append(o.limits, limit{l, key, true}) })
}

type limit struct {
	l        Limiter
	key      Key
	failures bool // count only refused calls
}

// failures are the limits that count a call only once it failed, with
// the keys the call had, to take from when it does.
type failures []keyed

type keyed struct {
	l   Limiter
	key string
}

// settle counts the call against the limits when the mutation ran and
// refused: bad input that validation stopped, a 429, an outage, are not
// failures.
func (fs failures) settle(ctx context.Context, mutated bool, err error) error {
	if !mutated || !failed(err) {
		return nil
	}
	for _, f := range fs {
		if _, err := f.l.Take(context.WithoutCancel(ctx), f.key); err != nil {
			return &Error{Kind: KindInternal, Err: fmt.Errorf("count a failure: %w", err)}
		}
	}
	return nil
}

// failed reports whether err is the mutation refusing the input or the
// caller, as a wrong password is.
func failed(err error) bool {
	switch KindOf(err) {
	case KindInvalid, KindUnauthenticated, KindForbidden, KindNotFound, KindConflict:
		return err != nil
	}
	return false
}

// takeRequest takes the call from the allowances keyed by the request, as
// admit does, before the body is read.
func (c *core) takeRequest(r *http.Request) (failures, error) {
	return c.take(r.Context(), func(k Key) (string, bool) {
		if k.request == nil {
			return "", false
		}
		return k.request(r), true
	})
}

// takeInput takes the call from the allowances keyed by a field of in (a
// *In), once the body is decoded.
func (c *core) takeInput(ctx context.Context, in any) (failures, error) {
	return c.take(ctx, func(k Key) (string, bool) {
		if k.field == "" {
			return "", false
		}
		return strings.ToLower(strings.TrimSpace(c.fieldValue(in, k.field))), true
	})
}

// take takes the call from each limit whose key keyOf knows; a limit that
// counts failures only is asked whether one is free, and kept to count
// this call later if it fails.
func (c *core) take(ctx context.Context, keyOf func(Key) (string, bool)) (failures, error) {
	var fs failures
	for _, lim := range c.opts.limits {
		key, ok := keyOf(lim.key)
		if !ok {
			continue
		}
		key = c.name + "\x00" + lim.key.name + "\x00" + key
		var wait time.Duration
		var err error
		if lim.failures {
			wait, err = lim.l.Wait(ctx, key)
			fs = append(fs, keyed{lim.l, key})
		} else {
			wait, err = lim.l.Take(ctx, key)
		}
		switch {
		case err != nil:
			return nil, &Error{Kind: KindInternal, Err: fmt.Errorf("limit %s: %w", lim.key.name, err)}
		case wait > 0:
			return nil, TooManyRequests(wait)
		}
	}
	return fs, nil
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
