package app

import (
	"context"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/formwork-dev/formwork/actions"
)

// signInOptions are the sign-in action's options: public, its password
// never echoed, where to go next bound into the form, and, unless turned
// off, 5 wrong passwords per email per 15 minutes and 30 tries per client
// address per minute.
func (a *App) signInOptions() []actions.Option {
	opts := []actions.Option{actions.Public(), actions.Sensitive("password"), actions.Bound("next")}
	if a.cfg.NoSignInLimits {
		return opts
	}
	return append(opts,
		actions.Limit(a.newLimiter(30, time.Minute), actions.ByAddress()),
		actions.LimitFailures(a.newLimiter(5, 15*time.Minute), actions.ByField("email")))
}

// newLimiter allows n calls per period under each key: in memory, or
// where Config.NewLimiter keeps them, shared by every instance.
func (a *App) newLimiter(n int, per time.Duration) actions.Limiter {
	if a.cfg.NewLimiter != nil {
		return a.cfg.NewLimiter(n, per)
	}
	return actions.NewMemoryLimiter(n, per, 0)
}

// hashWait is how long a sign-in waits for a free bcrypt slot before it is
// told to try again.
const hashWait = 2 * time.Second

// comparePassword compares password with its bcrypt hash in one of a few
// slots, so that a flood of sign-ins, each a bcrypt comparison's worth of
// CPU, leaves the rest of the CPU to pages. A sign-in that finds no free
// slot soon gets 429.
func (a *App) comparePassword(ctx context.Context, hash []byte, password string) (bool, error) {
	wait := time.NewTimer(hashWait)
	defer wait.Stop()
	select {
	case a.hashing <- struct{}{}:
		defer func() { <-a.hashing }()
	case <-wait.C:
		return false, actions.TooManyRequests(time.Second)
	case <-ctx.Done():
		return false, ctx.Err()
	}
	return bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil, nil
}
