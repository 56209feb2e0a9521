package redisstore

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/formwork-dev/formwork/cache"
)

// An entry is kept in Redis as a hash: its ID (random, new at each Set),
// what its reads check (the version keys of its tags, each with the
// version the entry holds, packed by the set script), its meta (the
// fields of a cache.Entry but Value, encoded here) and its value.
const (
	fieldID    = "i"
	fieldCheck = "c"
	fieldMeta  = "m"
	fieldValue = "v"
)

// errMeta says an entry's meta in Redis could not be read back.
var errMeta = errors.New("redisstore: malformed entry meta")

// encodeMeta encodes e's times, tags and versions.
func encodeMeta(e cache.Entry) []byte {
	b := make([]byte, 0, 32+len(e.Tags)*16)
	for _, t := range [...]time.Time{e.Created, e.Revalidate, e.Expires} {
		b = appendTime(b, t)
	}
	b = appendStrings(b, e.Tags)
	for _, v := range e.Versions {
		b = binary.AppendUvarint(b, v)
	}
	return b
}

// decodeMeta decodes what encodeMeta encoded into an entry without its
// value.
func decodeMeta(b []byte) (cache.Entry, error) {
	var e cache.Entry
	var ok bool
	for _, t := range [...]*time.Time{&e.Created, &e.Revalidate, &e.Expires} {
		if *t, b, ok = readTime(b); !ok {
			return cache.Entry{}, errMeta
		}
	}
	if e.Tags, b, ok = readStrings(b); !ok {
		return cache.Entry{}, errMeta
	}
	if len(e.Tags) > 0 {
		e.Versions = make([]uint64, len(e.Tags))
	}
	for i := range e.Versions {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return cache.Entry{}, errMeta
		}
		e.Versions[i], b = v, b[n:]
	}
	if len(b) != 0 {
		return cache.Entry{}, errMeta
	}
	return e, nil
}

// appendTime appends t: a zero byte for the zero time, or a one and its
// Unix time in nanoseconds.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	if t.After(farFuture) {
		t = farFuture // UnixNano overflows past 2262: cache.Forever is start + 292 years
	}
	return binary.AppendVarint(append(b, 1), t.UnixNano())
}

// farFuture is the latest time an entry holds: far enough for "forever".
var farFuture = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)

// readTime reads a time that appendTime appended, and returns the rest.
func readTime(b []byte) (time.Time, []byte, bool) {
	if len(b) == 0 || b[0] > 1 {
		return time.Time{}, nil, false
	}
	if b[0] == 0 {
		return time.Time{}, b[1:], true
	}
	ns, n := binary.Varint(b[1:])
	if n <= 0 {
		return time.Time{}, nil, false
	}
	return time.Unix(0, ns), b[1+n:], true
}

// appendStrings appends the count of ss, then each with its length.
func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// readStrings reads strings that appendStrings appended, and returns the
// rest.
func readStrings(b []byte) ([]string, []byte, bool) {
	count, n := binary.Uvarint(b)
	if n <= 0 || count > uint64(len(b)) {
		return nil, nil, false
	}
	b = b[n:]
	var ss []string
	if count > 0 {
		ss = make([]string, count)
	}
	for i := range ss {
		size, n := binary.Uvarint(b)
		if n <= 0 || size > uint64(len(b)-n) {
			return nil, nil, false
		}
		ss[i], b = string(b[n:n+int(size)]), b[n+int(size):]
	}
	return ss, b, true
}
