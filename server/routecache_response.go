package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// cachedResponse is an answer kept by a route's cache, its fields
// exported for the cache's encoding. Its Header holds its ETag and
// Content-Length already, each value's slice shared by every answer that
// sends it.
type cachedResponse struct {
	Header  http.Header
	Body    []byte
	Created time.Time // when the handler answered: its Age
	// age is the Age header last sent, shared by the hits of one decoded
	// value (the memory store keeps it so).
	age *atomic.Pointer[ageHeader]
	// fields are Header's, as a list: quicker to copy than a map to walk.
	fields []headerField
}

// headerField is one header and its values.
type headerField struct {
	key    string
	values []string
}

// cachedWire is a cachedResponse as the cache's store keeps it.
type cachedWire struct {
	Header  http.Header
	Body    []byte
	Created time.Time
}

// MarshalBinary encodes the answer for the cache's store.
func (c cachedResponse) MarshalBinary() ([]byte, error) {
	return json.Marshal(cachedWire{c.Header, c.Body, c.Created})
}

// UnmarshalBinary decodes an answer from the cache's store, with a place
// for the Age its hits share.
func (c *cachedResponse) UnmarshalBinary(b []byte) error {
	var w cachedWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = cachedResponse{Header: w.Header, Body: w.Body, Created: w.Created, age: new(atomic.Pointer[ageHeader])}
	for k, v := range w.Header {
		c.fields = append(c.fields, headerField{k, v})
	}
	return nil
}

// ageHeader is an Age header's value, for one second of an answer's life.
type ageHeader struct {
	secs  int64
	value []string
}

// ageOf is the Age header of resp at now: the one sent before, while it
// is the same second.
func ageOf(resp cachedResponse, now time.Time) []string {
	secs := max(0, now.Unix()-resp.Created.Unix())
	if resp.age == nil {
		return []string{strconv.FormatInt(secs, 10)}
	}
	if a := resp.age.Load(); a != nil && a.secs == secs {
		return a.value
	}
	a := &ageHeader{secs, []string{strconv.FormatInt(secs, 10)}}
	resp.age.Store(a)
	return a.value
}
