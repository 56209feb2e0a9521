package actions

import "context"

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
