package actions

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strings"
)

// Func is the mutation seam: the user's code, run after parse, validation
// and authorization have passed.
type Func[In, Out any] func(ctx context.Context, in In) (Out, error)

// Action is a typed action. Create one with [New] and register it on a
// [Registry] before use; an action belongs to one registry.
type Action[In, Out any] struct {
	core
	fn Func[In, Out]
}

// Handler is the part of an action that does not depend on its types. It is
// what registries, views and servers deal in. Only this package's [Action]
// implements it.
type Handler interface {
	// Name returns the name the action was registered under.
	Name() string
	// ID returns the action's opaque wire ID. It panics before the action
	// is registered.
	ID() string
	// Fields describes the input's form fields.
	Fields() []Field
	// Field returns the field with the given form name (numeric path
	// segments such as the 0 in "items.0.qty" are ignored).
	Field(name string) (Field, bool)
	// Seal seals bound values for a form of this action; see [Bound].
	Seal(values url.Values) (string, error)
	// OnceToken returns a fresh one-time token for a rendered form of this
	// action, or "" when the action is not [Once].
	OnceToken() (string, error)

	base() *core
}

// New returns an action named name that runs fn. The name is for people and
// logs; the wire sees only the ID derived from it. In must be a struct.
// Every action needs an authorization option ([Authorize], [SignedIn],
// [RequireRole] or [Public]); [Registry.Register] refuses one without.
func New[In, Out any](name string, fn Func[In, Out], opts ...Option) *Action[In, Out] {
	a := &Action[In, Out]{fn: fn}
	a.sealed.max = 1024
	a.name = name
	a.inType = reflect.TypeFor[In]()
	for _, o := range opts {
		o.apply(&a.opts)
	}
	a.newIn = func() any { return new(In) }
	a.mutate = func(ctx context.Context, in any) (any, error) {
		return a.fn(ctx, *in.(*In))
	}
	return a
}

// Call runs the action from Go, with no HTTP: validate, authorize (with the
// principal in ctx), mutate and revalidate. Errors are *[Error] values for
// refused input and policy denials; a panic in the mutation is returned as
// an internal error.
func (a *Action[In, Out]) Call(ctx context.Context, in In) (Out, error) {
	var zero Out
	if a.reg == nil {
		return zero, fmt.Errorf("actions: %q is not registered", a.name)
	}
	out, err := a.execute(context.WithValue(ctx, callKey{}, &call{}), &in)
	if err != nil {
		return zero, err
	}
	return out.(Out), nil
}

func (a *Action[In, Out]) base() *core { return &a.core }

// core is the untyped part of an action.
type core struct {
	name   string
	opts   options
	inType reflect.Type
	newIn  func() any // returns *In
	mutate func(ctx context.Context, in any) (any, error)

	reg     *Registry
	id      string
	fields  []Field
	byField map[string]int // index in fields, by name
	limit   int64
	hasTime bool                 // the input has a time.Time field, which JSON may send as a bare date
	sealed  memo[string, string] // seals of bound values, by their encoding
}

// Name returns the action's name.
func (c *core) Name() string { return c.name }

// ID returns the action's wire ID.
func (c *core) ID() string {
	if c.reg == nil {
		panic(fmt.Sprintf("actions: ID of unregistered action %q", c.name))
	}
	return c.id
}

// names returns the action's name and its aliases.
func (c *core) names() []string { return append([]string{c.name}, c.opts.aliases...) }

// setFields keeps the input's fields, indexed by name.
func (c *core) setFields(fields []Field) {
	c.fields = fields
	for _, f := range fields {
		c.hasTime = c.hasTime || strings.HasSuffix(f.Type, "time.Time")
	}
	c.byField = make(map[string]int, len(fields))
	for i, f := range fields {
		c.byField[f.Name] = i
	}
}

// Fields describes the input's form fields, in struct order.
func (c *core) Fields() []Field { return c.fields }

// Field returns the field named name.
func (c *core) Field(name string) (Field, bool) {
	i, ok := c.byField[name]
	if !ok {
		i, ok = c.byField[fieldPattern(name)]
	}
	if !ok {
		return Field{}, false
	}
	return c.fields[i], true
}
