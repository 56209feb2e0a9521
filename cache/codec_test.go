package cache_test

import (
	"context"
	"strings"
	"testing"

	"github.com/formwork-dev/formwork/cache"
)

// shout is stored in its own binary form: upper case.
type shout string

func (s shout) MarshalBinary() ([]byte, error) { return []byte(strings.ToUpper(string(s))), nil }

func (s *shout) UnmarshalBinary(b []byte) error {
	*s = shout(b)
	return nil
}

// A value is what the store gives back, from its first Get on: its own
// binary form when it has one, JSON otherwise.
func TestCodec(t *testing.T) {
	c := newCache(t, cache.Config{})
	loud, _ := cache.NewFunc(c, "loud", "short", func(context.Context, string) (shout, error) { return "hello", nil })
	for range 2 {
		if v, err := loud.Get(t.Context(), "a"); v != "HELLO" || err != nil {
			t.Errorf("Get of a BinaryMarshaler = %q, %v; want its binary form read back", v, err)
		}
	}

	type invoice struct {
		ID     int
		secret string
	}
	json, _ := cache.NewFunc(c, "json", "short", func(context.Context, int) (invoice, error) {
		return invoice{ID: 1, secret: "not encoded"}, nil
	})
	if v, err := json.Get(t.Context(), 1); v != (invoice{ID: 1}) || err != nil {
		t.Errorf("Get of a struct = %+v, %v; want its JSON read back, without unexported fields", v, err)
	}
}

// A value that cannot be encoded fails the Get that loaded it.
func TestCodecFails(t *testing.T) {
	c := newCache(t, cache.Config{})
	f, _ := cache.NewFunc(c, "chan", "short", func(context.Context, string) (chan int, error) { return make(chan int), nil })
	if _, err := f.Get(t.Context(), "a"); err == nil {
		t.Error("Get of a value JSON cannot encode returned no error")
	}
}
