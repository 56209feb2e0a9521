package actions

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/gorilla/schema"

	"github.com/formwork-dev/formwork/internal/seal"
)

// DefaultMaxBodyBytes is the body cap of an action that sets none, when the
// registry sets none either: 1 MB.
const DefaultMaxBodyBytes = 1 << 20

// maxBodyCeiling bounds every configured body limit: larger bodies belong
// in route handlers that stream.
const maxBodyCeiling = 1 << 30

// Config configures a [Registry].
type Config struct {
	// Secret derives action IDs and the keys that seal bound arguments. It
	// must be at least 32 bytes and the same on every instance of the app.
	Secret []byte
	// PreviousSecrets still resolve the IDs and open the seals of pages
	// rendered before a secret was rotated. The newest comes first.
	PreviousSecrets [][]byte
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
	// Messages gives the words shown for validator rules, by tag, such as
	// {"money": "Enter an amount such as 120.50."} for a custom rule. They
	// replace formwork's own words for built-in rules too.
	Messages map[string]string
}

// Registry holds an app's actions. It is safe for concurrent use once its
// actions are registered.
type Registry struct {
	keys        *seal.Keyring
	maxBody     int64
	revalidator Revalidator
	validate    *validator.Validate
	decoder     *schema.Decoder
	maxSlice    int
	messages    map[string]string

	opened memo[url.Values] // verified bound arguments, by action ID and seal

	mu      sync.RWMutex
	byID    map[string]*core
	byName  map[string]*core
	ordered []*core
	ceiling int64 // the largest limit of any action
}

// NewRegistry returns an empty registry, or an error that says which part
// of cfg is wrong.
func NewRegistry(cfg Config) (*Registry, error) {
	keys, err := seal.New(append([][]byte{cfg.Secret}, cfg.PreviousSecrets...)...)
	if err != nil {
		return nil, fmt.Errorf("actions: %w", err)
	}
	r := &Registry{
		keys:        keys,
		maxBody:     cfg.MaxBodyBytes,
		revalidator: cfg.Revalidator,
		validate:    cfg.Validator,
		messages:    cfg.Messages,
		opened:      memo[url.Values]{max: 4096},
		byID:        map[string]*core{},
		byName:      map[string]*core{},
	}
	if r.maxBody == 0 {
		r.maxBody = DefaultMaxBodyBytes
	}
	if err := checkLimit(r.maxBody); err != nil {
		return nil, fmt.Errorf("actions: Config.MaxBodyBytes: %w", err)
	}
	r.ceiling = r.maxBody
	maxSlice := cfg.MaxSliceLen
	switch {
	case maxSlice == 0:
		maxSlice = 100
	case maxSlice < 0:
		return nil, errors.New("actions: Config.MaxSliceLen must not be negative")
	}
	if r.validate == nil {
		r.validate = validator.New(validator.WithRequiredStructEnabled())
	}
	r.validate.RegisterTagNameFunc(func(f reflect.StructField) string {
		if n := formName(f); n != "" {
			return n
		}
		return "-"
	})
	r.decoder = schema.NewDecoder()
	r.decoder.SetAliasTag("form")
	r.decoder.IgnoreUnknownKeys(false)
	r.decoder.MaxSize(maxSlice)
	r.maxSlice = maxSlice
	r.decoder.RegisterConverter(time.Time{}, convertTime)
	return r, nil
}

func checkLimit(n int64) error {
	if n <= 0 || n > maxBodyCeiling {
		return fmt.Errorf("body limit %d is out of range: use 1 byte to 1 GiB", n)
	}
	return nil
}

var timeLayouts = []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339}

func convertTime(s string) reflect.Value {
	if s == "" {
		return reflect.ValueOf(time.Time{})
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return reflect.ValueOf(t)
		}
	}
	return reflect.Value{} // schema reports a conversion error
}

// Register adds actions to the registry. It checks each one and fails,
// registering none of them, when an action has no name, no policy, a
// policy for another input type, a bound or sensitive field that In does
// not have, an invalid body limit, or a name (or alias) already taken.
func (r *Registry) Register(handlers ...Handler) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	type planned struct {
		c   *core
		ids []string
	}
	var plan []planned
	taken := map[string]bool{}
	for _, h := range handlers {
		c := h.base()
		if err := r.check(c); err != nil {
			return fmt.Errorf("actions: register %q: %w", c.name, err)
		}
		var ids []string
		for _, n := range append([]string{c.name}, c.opts.aliases...) {
			if _, dup := r.byName[n]; dup || taken[n] {
				return fmt.Errorf("actions: register %q: the name %q is taken", c.name, n)
			}
			taken[n] = true
			for _, sum := range r.keys.Sums("action-id", []byte(n)) {
				ids = append(ids, encodeID(sum))
			}
		}
		plan = append(plan, planned{c, ids})
	}
	for _, p := range plan {
		p.c.reg, p.c.id = r, p.ids[0]
		for _, id := range p.ids {
			r.byID[id] = p.c
		}
		for _, n := range append([]string{p.c.name}, p.c.opts.aliases...) {
			r.byName[n] = p.c
		}
		r.ordered = append(r.ordered, p.c)
		r.ceiling = max(r.ceiling, p.c.limit)
	}
	return nil
}

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
	mark := func(names []string, what string, set func(*Field)) error {
		for _, n := range names {
			i := slices.IndexFunc(fields, func(f Field) bool { return f.Name == n })
			if i < 0 {
				return fmt.Errorf("%s field %q is not a form field of %v", what, n, c.inType)
			}
			set(&fields[i])
		}
		return nil
	}
	if err := mark(c.opts.bound, "bound", func(f *Field) { f.Bound = true }); err != nil {
		return err
	}
	for _, f := range fields {
		if f.Bound && f.index == nil {
			return fmt.Errorf("bound field %q must be a top-level field of %v", f.Name, c.inType)
		}
	}
	if err := mark(c.opts.sensitive, "sensitive", func(f *Field) { f.Sensitive = true }); err != nil {
		return err
	}
	c.limit = r.maxBody
	if c.opts.maxBytes != 0 {
		if err := checkLimit(c.opts.maxBytes); err != nil {
			return fmt.Errorf("actions.MaxBytes: %w", err)
		}
		c.limit = c.opts.maxBytes
	}
	c.fields = fields
	c.byField = make(map[string]int, len(fields))
	for i, f := range fields {
		c.byField[f.Name] = i
	}
	return nil
}

// idLen is the length of an encoded ID: 16 bytes of HMAC, base64url.
const idLen = 22

func encodeID(sum []byte) string { return base64.RawURLEncoding.EncodeToString(sum[:16]) }

// wellFormedID reports whether id has the shape of an action ID.
func wellFormedID(id string) bool {
	if len(id) != idLen {
		return false
	}
	for i := range len(id) {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
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
		return nil, &Error{Kind: KindUnknownAction, Message: userMessage(KindUnknownAction), Err: fmt.Errorf("no action has ID %s", id)}
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

// Seal seals bound values for a form of this action.
func (c *core) Seal(values url.Values) (string, error) {
	if c.reg == nil {
		return "", fmt.Errorf("actions: Seal on unregistered action %q", c.name)
	}
	for k := range values {
		if f, ok := c.Field(k); !ok || !f.Bound {
			return "", fmt.Errorf("actions: %q is not a bound field of %q", k, c.name)
		}
	}
	encoded := values.Encode()
	if sealed, ok := c.sealed.get(encoded); ok {
		return sealed, nil
	}
	sealed := c.reg.keys.Seal("bound", []byte(encoded), []byte(c.id))
	c.sealed.put(encoded, sealed)
	return sealed, nil
}

// ManifestEntry describes one registered action.
type ManifestEntry struct {
	Name     string   `json:"name"`
	ID       string   `json:"id"`
	Aliases  []string `json:"aliases,omitempty"`
	Policy   string   `json:"policy"`
	MaxBytes int64    `json:"max_bytes"`
	Input    string   `json:"input"`
	Fields   []Field  `json:"fields"`
}

// Manifest lists the registered actions in registration order, for audits
// and for tests that pin what the app exposes.
func (r *Registry) Manifest() []ManifestEntry {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]ManifestEntry, 0, len(r.ordered))
	for _, c := range r.ordered {
		out = append(out, ManifestEntry{Name: c.name, ID: c.id, Aliases: c.opts.aliases,
			Policy: c.opts.policyName, MaxBytes: c.limit, Input: c.inType.String(), Fields: c.fields})
	}
	return out
}

// WriteManifest writes [Registry.Manifest] to w as indented JSON.
func (r *Registry) WriteManifest(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.Manifest())
}

// Seal encrypts and authenticates plaintext for purpose under a key derived
// from the registry's secret, for companion code such as flash and session
// cookies. The result is base64url text.
func (r *Registry) Seal(purpose string, plaintext []byte) string {
	return r.keys.Seal("app:"+purpose, plaintext, nil)
}

// Open reverses [Registry.Seal] with the same purpose, under the current
// or any previous secret.
func (r *Registry) Open(purpose, sealed string) ([]byte, error) {
	return r.keys.Open("app:"+purpose, sealed, nil)
}

// MaxBodyBytes returns the registry's default body cap.
func (r *Registry) MaxBodyBytes() int64 { return r.maxBody }

// Validate validates v (a struct or a pointer to one) with the registry's
// validator. It returns nil or an *[Error] of kind [KindInvalid] whose
// Fields are keyed by form field name, such as "items.0.qty".
func (r *Registry) Validate(v any) error {
	err := r.validate.Struct(v)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return &Error{Kind: KindInternal, Err: fmt.Errorf("validate: %w", err)}
	}
	fields := make(map[string]string, len(ves))
	for _, fe := range ves {
		key := namespaceKey(fe.Namespace())
		if _, seen := fields[key]; seen {
			continue
		}
		if msg, ok := r.messages[fe.Tag()]; ok {
			fields[key] = msg
		} else {
			fields[key] = validationMessage(fe)
		}
	}
	return &Error{Kind: KindInvalid, Fields: fields}
}

// namespaceKey turns the validator's "In.items[0].qty" into "items.0.qty".
func namespaceKey(ns string) string {
	_, ns, _ = strings.Cut(ns, ".")
	ns = strings.ReplaceAll(ns, "]", "")
	return strings.ReplaceAll(ns, "[", ".")
}

func validationMessage(fe validator.FieldError) string {
	p := fe.Param()
	isString := fe.Kind() == reflect.String
	isList := fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map
	switch fe.Tag() {
	case "required", "required_if", "required_unless", "required_with", "required_without":
		return "This field is required."
	case "email":
		return "Enter a valid email address."
	case "url", "http_url", "uri":
		return "Enter a valid URL."
	case "oneof":
		return "Choose one of: " + strings.Join(strings.Fields(p), ", ") + "."
	case "eqfield":
		return "This must match " + p + "."
	case "min", "gte":
		switch {
		case isString:
			return "Use at least " + p + " characters."
		case isList:
			return "Add at least " + p + " items."
		}
		return "This must be at least " + p + "."
	case "max", "lte":
		switch {
		case isString:
			return "Use at most " + p + " characters."
		case isList:
			return "Add at most " + p + " items."
		}
		return "This must be at most " + p + "."
	case "gt":
		return "This must be more than " + p + "."
	case "lt":
		return "This must be less than " + p + "."
	case "len":
		if isString {
			return "Use exactly " + p + " characters."
		}
		return "This must have exactly " + p + " items."
	}
	return fmt.Sprintf("This value breaks the %q rule.", fe.Tag())
}
