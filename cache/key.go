package cache

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// A keyer makes a Func's store key of a K: its name, ":", then the key
// as Go syntax (fmt's %#v), so that distinct values of K never share a
// store key: strings are quoted, a struct names its fields. A K whose
// GoString method is not one-to-one may collide.
type keyer[K comparable] func(name string, k K) string

// keyerFor returns K's keyer, or an error when K holds a pointer, a
// channel or an unsafe.Pointer: their %#v is an address, which may be
// reused by another value once the first is gone.
func keyerFor[K comparable]() (keyer[K], error) {
	t := reflect.TypeFor[K]()
	if what := addressIn(t, 0); what != "" {
		return nil, fmt.Errorf("cache: key type %s holds %s, whose keys would be addresses", t, what)
	}
	if f, ok := any(keyString).(func(string, K) string); ok {
		return f, nil
	}
	if f, ok := any(keyInt).(func(string, K) string); ok {
		return f, nil
	}
	if f, ok := any(keyInt64).(func(string, K) string); ok {
		return f, nil
	}
	return keyGo[K], nil
}

// addressIn names the first pointer, channel or unsafe.Pointer that a
// value of t holds, or returns "".
func addressIn(t reflect.Type, depth int) string {
	if depth > 16 {
		return ""
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer:
		return "a " + t.Kind().String()
	case reflect.Interface:
		return "an interface, whose dynamic value may be an address (and 1 and int64(1) would share a key)"
	case reflect.Array:
		return addressIn(t.Elem(), depth+1)
	case reflect.Struct:
		for i := range t.NumField() {
			if what := addressIn(t.Field(i).Type, depth+1); what != "" {
				return what
			}
		}
	}
	return ""
}

func keyString(name string, k string) string {
	var buf [64]byte
	b := append(append(buf[:0], name...), ':')
	return string(strconv.AppendQuote(b, k))
}

func keyInt(name string, k int) string { return keyInt64(name, int64(k)) }

func keyInt64(name string, k int64) string {
	var buf [64]byte
	b := append(append(buf[:0], name...), ':')
	return string(strconv.AppendInt(b, k, 10))
}

func keyGo[K comparable](name string, k K) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte(':')
	fmt.Fprintf(&b, "%#v", k)
	return b.String()
}
