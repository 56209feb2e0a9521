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
// with JavaScript off, never runs the mutation again and fails with
// [KindConflict]. A mutation that refused (an error of kind invalid,
// unauthenticated, forbidden, not found, conflict or too many requests,
// which say nothing was done) spends nothing, so the same form may be
// sent again; one that failed otherwise (an internal error, a client that
// went away) may have written before it failed, so its token stays spent.
// A form without a token is refused; JSON callers may send one in the
// [HeaderOnce] header, and Go callers of [Action.Call] need none.
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
	// Claim marks token as spent until expires. It reports false, and
	// changes nothing, when the token was claimed before and not released.
	Claim(ctx context.Context, token string, expires time.Time) (bool, error)
	// Release forgets token, after a mutation that failed, so that the
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

// errSubmitted is the answer to a second submission of a Once form.
var errSubmitted = &Error{Kind: KindConflict, Message: "This form was already submitted."}

// runOnce runs mutate at most once for the call's one-time token, when the
// action is Once and the call has one.
func (c *core) runOnce(ctx context.Context, in any) (any, error) {
	cl := callFrom(ctx)
	if !c.opts.once || cl == nil || cl.once == "" {
		return c.safeMutate(ctx, in)
	}
	key, expires, err := c.reg.openOnce(cl.once, c.id)
	if err != nil {
		return nil, err
	}
	first, err := c.reg.once.Claim(ctx, key, expires)
	switch {
	case err != nil:
		return nil, &Error{Kind: KindInternal, Err: fmt.Errorf("claim one-time token: %w", err)}
	case !first:
		return nil, errSubmitted
	}
	out, err := c.safeMutate(ctx, in)
	if err != nil && refused(err) {
		if rerr := c.reg.once.Release(context.WithoutCancel(ctx), key); rerr != nil {
			return nil, &Error{Kind: KindInternal, Err: fmt.Errorf("%w; release one-time token: %w", err, rerr)}
		}
	}
	return out, err
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
