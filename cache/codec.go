package cache

import (
	"encoding"
	"encoding/json"
)

// codec turns a Func's values into a Store's bytes and back.
type codec[V any] struct {
	encode func(V) ([]byte, error)
	decode func([]byte) (V, error)
}

// codecFor returns V's codec: its own binary form when V implements
// encoding.BinaryMarshaler and *V encoding.BinaryUnmarshaler, JSON
// (encoding/json) otherwise.
func codecFor[V any]() codec[V] {
	var zero V
	_, enc := any(zero).(encoding.BinaryMarshaler)
	_, dec := any(&zero).(encoding.BinaryUnmarshaler)
	if enc && dec {
		return codec[V]{encode: encodeBinary[V], decode: decodeBinary[V]}
	}
	return codec[V]{encode: encodeJSON[V], decode: decodeJSON[V]}
}

func encodeJSON[V any](v V) ([]byte, error) { return json.Marshal(v) }

func decodeJSON[V any](b []byte) (V, error) {
	var v V
	err := json.Unmarshal(b, &v)
	return v, err
}

func encodeBinary[V any](v V) ([]byte, error) {
	return any(v).(encoding.BinaryMarshaler).MarshalBinary()
}

func decodeBinary[V any](b []byte) (V, error) {
	var v V
	err := any(&v).(encoding.BinaryUnmarshaler).UnmarshalBinary(b)
	return v, err
}
