package actions

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/formwork-dev/formwork/keyring"
)

// Once makes each rendered form of the action run it at most once. The
// form carries a sealed one-time token (see [Handler.OnceToken]); a second
// submission of the same rendered form, a double click or a resent POST
// with JavaScript off, never runs the mutation again. It gets the first
// submission's outcome instead, where it redirected and its message (not
// its output, nor its cookies), waiting a few seconds for a first
// submission still running; after
// that, or when the first failed after it may have written (an internal
// error, a client that went away), it fails with [KindConflict]: "This
// form was already submitted." A mutation that refused (an error of kind
// invalid, unauthenticated, forbidden, not found, conflict or too many
// requests, which say nothing was done) spends nothing, so the same form
// may be sent again. A form without a token is refused; JSON callers may
// send one in the [HeaderOnce] header, and Go callers of [Action.Call]
// need none.
func Once() Option {
	return optionFunc(func(o *options) { o.once = true })
}

// HeaderOnce carries a one-time token for JSON callers.
const HeaderOnce = "Formwork-Once"

// DefaultOnceTTL is how long a form's one-time token stays good.
const DefaultOnceTTL = 24 * time.Hour

// OnceStore remembers the one-time tokens that have run their action. The
// registry's default is a [MemoryOnceStore]; a store shared by every
// instance of an app makes Once hold across instances.
type OnceStore interface {
	// Claim marks token as spent until expires, and reports true. When
	// the token was claimed before and not released, it changes nothing,
	// reports false, and returns the outcome its first call settled, or ""
	// while that call runs.
	Claim(ctx context.Context, token string, expires time.Time) (first bool, outcome string, err error)
	// Settle records the outcome of token's first call, which succeeded,
	// for a second submission of the same form to get.
	Settle(ctx context.Context, token, outcome string) error
	// Release forgets token, after a mutation that refused, so that the
	// same form may be sent again.
	Release(ctx context.Context, token string) error
}

// OnceToken returns a fresh sealed one-time token for a form of this
// action, or "" when the action is not [Once].
func (c *core) OnceToken() (string, error) {
	if !c.opts.once {
		return "", nil
	}
	if c.reg == nil {
		return "", fmt.Errorf("actions: OnceToken on unregistered action %q", c.name)
	}
	var pt [24]byte // 16 random bytes, then the expiry in Unix seconds
	rand.Read(pt[:16])
	binary.BigEndian.PutUint64(pt[16:], uint64(time.Now().Add(c.reg.onceTTL).Unix()))
	return c.reg.keys.Seal(keyring.PurposeOnce, pt[:], []byte(c.id)), nil
}

// openOnce opens a one-time token sent for the action with wire ID id,
// and returns its store key and expiry.
func (r *Registry) openOnce(sealed, id string) (string, time.Time, error) {
	pt, err := r.keys.Open(keyring.PurposeOnce, sealed, []byte(id))
	if err != nil || len(pt) != 24 {
		return "", time.Time{}, malformed("The form's one-time token was altered or belongs to another form.")
	}
	expires := time.Unix(int64(binary.BigEndian.Uint64(pt[16:])), 0)
	if time.Now().After(expires) {
		return "", time.Time{}, &Error{Kind: KindConflict, Message: "This form has expired; reload and try again."}
	}
	return id + ":" + hex.EncodeToString(pt[:16]), expires, nil
}

// errSubmitted is the answer to a second submission of a Once form whose
// first call is still running after onceWait.
var errSubmitted = &Error{Kind: KindConflict, Message: "This form was already submitted."}

// onceWait is how long a second submission of a Once form waits for the
// first one's outcome, checking every oncePoll.
const (
	onceWait = 3 * time.Second
	oncePoll = 50 * time.Millisecond
)

// runOnce runs mutate at most once for the call's one-time token, when the
// action is Once and the call has one. A second submission of the same
// form gets the first one's outcome: where it redirected, and its message
// (a JavaScript-off double Enter lands on the invoice it made), waiting a
// little for a first call still running.
func (c *core) runOnce(ctx context.Context, in any) (any, error) {
	cl := callFrom(ctx)
	if !c.opts.once || cl == nil || cl.once == "" {
		return c.safeMutate(ctx, in)
	}
	key, expires, err := c.reg.openOnce(cl.once, c.id)
	if err != nil {
		return nil, err
	}
	first, err := c.claimOnce(ctx, cl, key, expires)
	if err != nil || !first {
		return nil, err
	}
	out, err := c.safeMutate(ctx, in)
	store := context.WithoutCancel(ctx)
	switch {
	case err == nil:
		if serr := c.reg.once.Settle(store, key, cl.outcome()); serr != nil {
			return nil, &Error{Kind: KindInternal, Err: fmt.Errorf("settle one-time token: %w", serr)}
		}
	case refused(err):
		if rerr := c.reg.once.Release(store, key); rerr != nil {
			return nil, &Error{Kind: KindInternal, Err: fmt.Errorf("%w; release one-time token: %w", err, rerr)}
		}
	default:
		if serr := c.reg.once.Settle(store, key, onceFailed); serr != nil {
			return nil, &Error{Kind: KindInternal, Err: fmt.Errorf("%w; settle one-time token: %w", err, serr)}
		}
	}
	return out, err
}

// claimOnce claims key, and reports whether this call is the first. For a
// later call it replays the first one's outcome into cl, waiting up to
// onceWait for it, or fails with errSubmitted.
func (c *core) claimOnce(ctx context.Context, cl *call, key string, expires time.Time) (bool, error) {
	deadline := time.Now().Add(onceWait)
	for {
		first, outcome, err := c.reg.once.Claim(ctx, key, expires)
		switch {
		case err != nil:
			return false, &Error{Kind: KindInternal, Err: fmt.Errorf("claim one-time token: %w", err)}
		case first:
			return true, nil
		case outcome != "":
			if !cl.replay(outcome) {
				return false, errSubmitted
			}
			return false, nil
		case time.Now().After(deadline):
			return false, errSubmitted
		}
		select {
		case <-time.After(oncePoll):
		case <-cl.req.Context().Done():
			return false, errSubmitted
		}
	}
}

// refused reports whether err says the mutation did nothing: the input or
// the caller was refused. Anything else may come after a write.
func refused(err error) bool {
	switch KindOf(err) {
	case KindInvalid, KindUnauthenticated, KindForbidden, KindNotFound, KindConflict, KindTooManyRequests:
		return true
	}
	return false
}
