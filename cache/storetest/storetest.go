// Package storetest checks that a [cache.Store] keeps the Store contract:
// entries come back as they were set until they expire, a tag's version
// only moves on, and an entry is never served once one of its tags has
// moved on from the version it holds.
//
// A store's own tests call [Run]:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) cache.Store { return newStore(t) })
//	}
package storetest

import (
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/formwork-dev/formwork/cache"
)

// Run runs the Store contract's tests against stores made by newStore,
// one per test. Keys and tags are unique to each call of Run, so stores
// may share a backend. Times must come back to the millisecond.
func Run(t *testing.T, newStore func(t *testing.T) cache.Store) {
	s := suite{prefix: rand.Text()[:8], newStore: newStore}
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, s suite)
	}{
		{"GetAfterSet", testGetAfterSet},
		{"Missing", testMissing},
		{"SetReplaces", testSetReplaces},
		{"Expired", testExpired},
		{"Expires", testExpires},
		{"UnknownTagsAtZero", testUnknownTags},
		{"BumpMovesOn", testBumpMovesOn},
		{"VersionsCheckedOnRead", testVersionsCheckedOnRead},
		{"BumpSparesOtherTags", testBumpSparesOtherTags},
		{"SetBehindNotServed", testSetBehind},
		{"ConcurrentBumpGet", testConcurrentBumpGet},
		{"Forever", testForever},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, s) })
	}
}

// suite names keys and tags apart from other runs.
type suite struct {
	prefix   string
	newStore func(t *testing.T) cache.Store
}

func (s suite) key(t *testing.T, name string) string {
	return fmt.Sprintf("storetest-%s:%s:%s", s.prefix, t.Name(), name)
}

func (s suite) tag(t *testing.T, name string) string {
	return fmt.Sprintf("storetest-%s-%s-%s", s.prefix, t.Name(), name)
}

// entry returns an entry of value tagged with tags at their current
// versions, fresh for a minute and kept for an hour.
func entry(t *testing.T, st cache.Store, value string, tags ...string) cache.Entry {
	t.Helper()
	vs, err := st.Versions(t.Context(), tags)
	if err != nil {
		t.Fatalf("Versions(%q): %v", tags, err)
	}
	now := time.Now()
	return cache.Entry{
		Value: []byte(value), Tags: tags, Versions: vs,
		Created: now, Revalidate: now.Add(time.Minute), Expires: now.Add(time.Hour),
	}
}

// sameEntry compares entries as a store may give them back: times to the
// millisecond, empty slices as nil.
var sameEntry = cmp.Options{cmpopts.EquateApproxTime(time.Millisecond), cmpopts.EquateEmpty()}

func set(t *testing.T, st cache.Store, key string, e cache.Entry) {
	t.Helper()
	if err := st.Set(t.Context(), key, e); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
}

func get(t *testing.T, st cache.Store, key string) (cache.Entry, bool) {
	t.Helper()
	e, ok, err := st.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return e, ok
}

func bump(t *testing.T, st cache.Store, tags ...string) {
	t.Helper()
	if err := st.Bump(t.Context(), tags); err != nil {
		t.Fatalf("Bump(%q): %v", tags, err)
	}
}

func versions(t *testing.T, st cache.Store, tags ...string) []uint64 {
	t.Helper()
	vs, err := st.Versions(t.Context(), tags)
	if err != nil {
		t.Fatalf("Versions(%q): %v", tags, err)
	}
	return vs
}
