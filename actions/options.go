package actions

import (
	"context"
	"reflect"
)

// An Option configures an action. Pass options to [New].
type Option interface{ apply(*options) }

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

type options struct {
	policy     func(ctx context.Context, p Principal, in any) error
	policyIn   reflect.Type // nil when the policy takes any input
	policyName string
	public     bool
	maxBytes   int64
	bound      []string
	sensitive  []string
	aliases    []string
	once       bool
	limits     []limit
}

// MaxBytes caps the action's request body at n bytes, counted as the body
// streams, in place of the registry's default. Over the cap the call fails
// with [KindTooLarge] and the action does not run.
func MaxBytes(n int64) Option {
	return optionFunc(func(o *options) { o.maxBytes = n })
}

// Sensitive names input fields, such as passwords, that are never echoed
// back into a re-rendered form.
func Sensitive(fields ...string) Option {
	return optionFunc(func(o *options) { o.sensitive = append(o.sensitive, fields...) })
}

// Alias keeps the IDs of former names working after a rename, so that pages
// rendered before a deploy still reach the action.
func Alias(names ...string) Option {
	return optionFunc(func(o *options) { o.aliases = append(o.aliases, names...) })
}
