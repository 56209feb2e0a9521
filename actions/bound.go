package actions

import (
	"fmt"
	"net/url"
	"sync"

	"github.com/formwork-dev/formwork/keyring"
)

// Bound names input fields, by their form names (the "form" tag), that
// are fixed when the form is rendered, such as the ID of the record a
// button acts on. Their values come only from the form's sealed "_bound"
// field (see [Handler.Seal]); a request that sends them in the clear,
// tampers with the seal, or moves it to another action is refused with
// [KindMalformed] before the action runs.
func Bound(fields ...string) Option {
	return optionFunc(func(o *options) { o.bound = append(o.bound, fields...) })
}

// Seal seals bound values for a form of this action, bound to its ID.
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
	sealed := c.reg.keys.Seal(keyring.PurposeBound, []byte(encoded), []byte(c.id))
	c.sealed.put(encoded, sealed)
	return sealed, nil
}

// openBound opens the sealed bound arguments sent for c under the action
// ID id, which they must have been sealed with.
func (r *Registry) openBound(c *core, sealed, id string) (url.Values, error) {
	wantBound := len(c.opts.bound) > 0
	switch {
	case sealed == "" && !wantBound:
		return nil, nil
	case sealed == "":
		return nil, malformed("The form's bound arguments are missing.")
	case !wantBound:
		return nil, malformed("The form sends bound arguments its action does not take.")
	}
	key := openedKey{id, sealed}
	if vs, ok := r.opened.get(key); ok {
		return vs, nil // opened for this very action ID before; callers only read it
	}
	pt, err := r.keys.Open(keyring.PurposeBound, sealed, []byte(id))
	if err != nil {
		return nil, malformed("The form's bound arguments were altered or belong to another form.")
	}
	vs, err := url.ParseQuery(string(pt))
	if err != nil {
		return nil, malformed("The form's bound arguments do not decode.")
	}
	for k := range vs {
		if f, ok := c.Field(k); !ok || !f.Bound {
			return nil, malformed("The form's bound arguments name an unbound field.")
		}
	}
	r.opened.put(key, vs)
	return vs, nil
}

// memo is a bounded cache for the results of sealing and opening bound
// arguments: a page renders the same bound values again and again, and its
// forms send the same seals back. Only verified results enter it. When it
// is full it starts over, so it never holds more than max entries.
type memo[K comparable, V any] struct {
	mu  sync.RWMutex
	m   map[K]V
	max int
}

// openedKey is the key of opened bound arguments: the action ID they were
// sent for and their seal.
type openedKey struct{ id, sealed string }

func (c *memo[K, V]) get(key K) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	return v, ok
}

func (c *memo[K, V]) put(key K, v V) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[K]V)
	}
	c.m[key] = v
	c.mu.Unlock()
}
