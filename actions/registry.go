package actions

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/gorilla/schema"

	"github.com/formwork-dev/formwork/keyring"
)

// DefaultMaxBodyBytes is the body cap of an action that sets none, when the
// registry sets none either: 1 MB.
const DefaultMaxBodyBytes = 1 << 20

// maxBodyCeiling bounds every configured body limit: larger bodies belong
// in route handlers that stream.
const maxBodyCeiling = 1 << 30

// Config configures a [Registry].
type Config struct {
	// Keys derives action IDs and seals bound arguments. Required; it must
	// hold the same secrets on every instance of the app, so that IDs and
	// sealed forms survive restarts and work across instances.
	Keys *keyring.Ring
	// MaxBodyBytes is the default body cap of the registry's actions.
	// Zero means [DefaultMaxBodyBytes].
	MaxBodyBytes int64
	// MaxSliceLen bounds the index of a slice element in a form field name
	// such as "items.99.qty" (CVE-2024-37298). Zero means 100.
	MaxSliceLen int
	// Revalidator receives what successful mutations ask to revalidate.
	// Nil means nothing is revalidated.
	Revalidator Revalidator
	// Validator validates inputs. Nil means a validator/v10 instance with
	// required-struct checks on. The registry sets its tag name function so
	// that errors are keyed by form field names.
	Validator *validator.Validate
	// OnceStore remembers spent one-time tokens of [Once] actions. Nil
	// means a [MemoryOnceStore], which holds for one instance.
	OnceStore OnceStore
	// OnceTTL is how long a rendered form of a Once action stays good.
	// Zero means [DefaultOnceTTL].
	OnceTTL time.Duration
	// Messages gives the words shown for validator rules, by tag, such as
	// {"money": "Enter an amount such as 120.50."} for a custom rule. They
	// replace formwork's own words for built-in rules too.
	Messages map[string]string
}

// Registry holds an app's actions. It is safe for concurrent use once its
// actions are registered.
type Registry struct {
	keys        *keyring.Ring
	maxBody     int64
	revalidator Revalidator
	validate    *validator.Validate
	decoder     *schema.Decoder
	maxSlice    int
	messages    map[string]string

	opened  memo[openedKey, url.Values] // verified bound arguments, by action ID and seal
	shapes  sync.Map                    // the cores of Decode, by struct type
	once    OnceStore
	onceTTL time.Duration

	mu      sync.RWMutex
	byID    map[string]*core
	byName  map[string]*core
	ordered []*core
	ceiling int64 // the largest limit of any action
}

// NewRegistry returns an empty registry, or an error that says which part
// of cfg is wrong.
func NewRegistry(cfg Config) (*Registry, error) {
	if cfg.Keys == nil {
		return nil, errors.New("actions: Config.Keys is nil: build one with keyring.New")
	}
	r := &Registry{
		keys:        cfg.Keys,
		maxBody:     cfg.MaxBodyBytes,
		revalidator: cfg.Revalidator,
		validate:    cfg.Validator,
		messages:    cfg.Messages,
		opened:      memo[openedKey, url.Values]{max: 4096},
		once:        cfg.OnceStore,
		onceTTL:     cfg.OnceTTL,
		byID:        map[string]*core{},
		byName:      map[string]*core{},
	}
	if r.maxBody == 0 {
		r.maxBody = DefaultMaxBodyBytes
	}
	if r.once == nil {
		r.once = &MemoryOnceStore{}
	}
	switch {
	case r.onceTTL == 0:
		r.onceTTL = DefaultOnceTTL
	case r.onceTTL < 0:
		return nil, errors.New("actions: Config.OnceTTL must not be negative")
	}
	if err := checkLimit(r.maxBody); err != nil {
		return nil, fmt.Errorf("actions: Config.MaxBodyBytes: %w", err)
	}
	r.ceiling = r.maxBody
	r.maxSlice = cfg.MaxSliceLen
	switch {
	case r.maxSlice == 0:
		r.maxSlice = 100
	case r.maxSlice < 0:
		return nil, errors.New("actions: Config.MaxSliceLen must not be negative")
	}
	if r.validate == nil {
		r.validate = validator.New(validator.WithRequiredStructEnabled())
	}
	r.validate.RegisterTagNameFunc(validatorName)
	if err := r.validate.RegisterValidation("notblank", notBlank); err != nil {
		return nil, fmt.Errorf("actions: register the notblank rule: %w", err)
	}
	r.decoder = newDecoder(r.maxSlice)
	return r, nil
}

func checkLimit(n int64) error {
	if n <= 0 || n > maxBodyCeiling {
		return fmt.Errorf("body limit %d is out of range: use 1 byte to 1 GiB", n)
	}
	return nil
}

// Register adds actions to the registry. It checks each one and fails,
// registering none of them, when an action has no name, no policy, a
// policy for another input type, a bound or sensitive field that In does
// not have, an invalid body limit, or a name (or alias) already taken.
func (r *Registry) Register(handlers ...Handler) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	plan := make(map[*core][]string, len(handlers)) // the IDs of each action
	taken := map[string]bool{}
	for _, h := range handlers {
		c := h.base()
		if err := r.check(c); err != nil {
			return fmt.Errorf("actions: register %q: %w", c.name, err)
		}
		for _, n := range c.names() {
			if _, dup := r.byName[n]; dup || taken[n] {
				return fmt.Errorf("actions: register %q: the name %q is taken", c.name, n)
			}
			taken[n] = true
			plan[c] = append(plan[c], r.ids(n)...)
		}
	}
	for _, h := range handlers {
		c := h.base()
		c.reg, c.id = r, plan[c][0]
		for _, id := range plan[c] {
			r.byID[id] = c
		}
		for _, n := range c.names() {
			r.byName[n] = c
		}
		r.ordered = append(r.ordered, c)
		r.ceiling = max(r.ceiling, c.limit)
	}
	return nil
}

// check validates an action's options against its input, and fills in its
// fields and body limit.
func (r *Registry) check(c *core) error {
	switch {
	case c.name == "":
		return errors.New("the name is empty")
	case c.reg != nil:
		return errors.New("the action is already registered")
	case !c.opts.public && c.opts.policy == nil:
		return errors.New("no authorization policy: add actions.Authorize, actions.SignedIn, actions.RequireRole or actions.Public")
	case c.opts.policyIn != nil && c.opts.policyIn != c.inType:
		return fmt.Errorf("the policy takes %v but the action's input is %v", c.opts.policyIn, c.inType)
	}
	fields, err := describe(c.inType)
	if err != nil {
		return err
	}
	if err := markFields(fields, c.opts.bound, c.inType, "bound", func(f *Field) error {
		f.Bound = true
		if f.index == nil {
			return fmt.Errorf("bound field %q must be a top-level field of %v", f.Name, c.inType)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := markFields(fields, c.opts.sensitive, c.inType, "sensitive", func(f *Field) error {
		f.Sensitive = true
		return nil
	}); err != nil {
		return err
	}
	if err := markFields(fields, c.opts.limitFields(), c.inType, "limit", func(f *Field) error {
		if f.index == nil {
			return fmt.Errorf("limit field %q must be a top-level field of %v", f.Name, c.inType)
		}
		return nil
	}); err != nil {
		return err
	}
	c.limit = r.maxBody
	if c.opts.maxBytes != 0 {
		if err := checkLimit(c.opts.maxBytes); err != nil {
			return fmt.Errorf("actions.MaxBytes: %w", err)
		}
		c.limit = c.opts.maxBytes
	}
	c.setFields(fields)
	return nil
}

// markFields applies mark to each field of fields named in names.
func markFields(fields []Field, names []string, in reflect.Type, what string, mark func(*Field) error) error {
	for _, n := range names {
		i := slices.IndexFunc(fields, func(f Field) bool { return f.Name == n })
		if i < 0 {
			return fmt.Errorf("%s field %q is not a form field of %v", what, n, in)
		}
		if err := mark(&fields[i]); err != nil {
			return err
		}
	}
	return nil
}

// Lookup returns the action with the given wire ID. The error is of kind
// [KindMalformed] for a string that cannot be an ID, and [KindUnknownAction]
// for a well-formed ID that no action here carries, such as one rendered by
// an older deploy.
func (r *Registry) Lookup(id string) (Handler, error) {
	c, err := r.lookup(id)
	if err != nil {
		return nil, err
	}
	return handlerOf(c), nil
}

func (r *Registry) lookup(id string) (*core, error) {
	if !wellFormedID(id) {
		return nil, &Error{Kind: KindMalformed, Message: "The form's action ID is malformed.", Err: fmt.Errorf("malformed action ID %.40q", id)}
	}
	r.mu.RLock()
	c := r.byID[id]
	r.mu.RUnlock()
	if c == nil {
		return nil, &Error{Kind: KindUnknownAction, Err: fmt.Errorf("no action has ID %s", id)}
	}
	return c, nil
}

// ByName returns the action registered under name or one of its aliases.
func (r *Registry) ByName(name string) (Handler, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.byName[name]
	if !ok {
		return nil, false
	}
	return handlerOf(c), true
}

// handlerOf recovers the Handler from its core: every core is embedded in
// an Action, which is what was registered.
func handlerOf(c *core) Handler { return coreHandler{c} }

type coreHandler struct{ *core }

func (h coreHandler) base() *core { return h.core }

// Keys returns the key ring the registry derives IDs and seals with.
func (r *Registry) Keys() *keyring.Ring { return r.keys }
