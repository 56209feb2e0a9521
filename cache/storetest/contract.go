package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/formwork-dev/formwork/cache"
)

// An entry comes back as it was set, tags and versions included.
func testGetAfterSet(t *testing.T, s suite) {
	st := s.newStore(t)
	for _, tc := range []struct {
		name string
		tags []string
	}{
		{"no tags", nil},
		{"one tag", []string{s.tag(t, "a")}},
		{"two tags", []string{s.tag(t, "a"), s.tag(t, "b")}},
	} {
		key := s.key(t, tc.name)
		want := entry(t, st, "value of "+tc.name, tc.tags...)
		set(t, st, key, want)
		got, ok := get(t, st, key)
		if !ok {
			t.Fatalf("%s: Get after Set found nothing", tc.name)
		}
		if diff := cmp.Diff(want, got, sameEntry); diff != "" {
			t.Errorf("%s: Get after Set (-set +got):\n%s", tc.name, diff)
		}
	}
}

// A key never set is missing, which is no error.
func testMissing(t *testing.T, s suite) {
	st := s.newStore(t)
	if _, ok := get(t, st, s.key(t, "never set")); ok {
		t.Error("Get of a key never set found an entry")
	}
}

// A second Set of a key replaces the first entry.
func testSetReplaces(t *testing.T, s suite) {
	st := s.newStore(t)
	key := s.key(t, "k")
	set(t, st, key, entry(t, st, "first"))
	set(t, st, key, entry(t, st, "second"))
	if got, ok := get(t, st, key); !ok || string(got.Value) != "second" {
		t.Errorf("Get after two Sets = %q, %v; want the second", got.Value, ok)
	}
}

// An entry set when already expired is never served.
func testExpired(t *testing.T, s suite) {
	st := s.newStore(t)
	key := s.key(t, "k")
	e := entry(t, st, "expired")
	e.Expires = time.Now().Add(-time.Second)
	set(t, st, key, e)
	if _, ok := get(t, st, key); ok {
		t.Error("an entry set after its Expires was served")
	}
}

// An entry is served until Expires, and not after.
func testExpires(t *testing.T, s suite) {
	st := s.newStore(t)
	key := s.key(t, "k")
	e := entry(t, st, "short-lived")
	e.Revalidate = time.Now().Add(100 * time.Millisecond)
	e.Expires = time.Now().Add(300 * time.Millisecond)
	set(t, st, key, e)
	if _, ok := get(t, st, key); !ok {
		t.Fatal("an entry was not served before its Expires")
	}
	time.Sleep(time.Until(e.Expires) + 100*time.Millisecond)
	if _, ok := get(t, st, key); ok {
		t.Error("an entry was served after its Expires")
	}
}

// A tag never bumped is at version 0.
func testUnknownTags(t *testing.T, s suite) {
	st := s.newStore(t)
	got := versions(t, st, s.tag(t, "a"), s.tag(t, "b"))
	if diff := cmp.Diff([]uint64{0, 0}, got); diff != "" {
		t.Errorf("Versions of tags never bumped (-want +got):\n%s", diff)
	}
	if got := versions(t, st); len(got) != 0 {
		t.Errorf("Versions of no tags = %v", got)
	}
}

// Bump moves each tag it names on, and only those; Versions answers in
// the order asked.
func testBumpMovesOn(t *testing.T, s suite) {
	st := s.newStore(t)
	a, b, c := s.tag(t, "a"), s.tag(t, "b"), s.tag(t, "c")
	before := versions(t, st, a, b, c)
	bump(t, st, a, c)
	after := versions(t, st, a, b, c)
	if after[0] == before[0] || after[2] == before[2] {
		t.Errorf("Bump(a, c) left a or c where it was: %v, then %v", before, after)
	}
	if after[1] != before[1] {
		t.Errorf("Bump(a, c) moved b: %v, then %v", before, after)
	}
	bump(t, st, a)
	again := versions(t, st, c, a)
	if again[0] != after[2] || again[1] == after[0] {
		t.Errorf("Bump(a) then Versions(c, a) = %v; a was %d, c %d", again, after[0], after[2])
	}
}

// An entry is not served once any one of its tags has moved on.
func testVersionsCheckedOnRead(t *testing.T, s suite) {
	st := s.newStore(t)
	a, b := s.tag(t, "a"), s.tag(t, "b")
	for i, moved := range []string{a, b} {
		key := s.key(t, fmt.Sprint(i))
		set(t, st, key, entry(t, st, "tagged a and b", a, b))
		if _, ok := get(t, st, key); !ok {
			t.Fatalf("entry %d was not served before a Bump", i)
		}
		bump(t, st, moved)
		if _, ok := get(t, st, key); ok {
			t.Errorf("an entry tagged %q was served after Bump(%[1]q)", moved)
		}
	}
}

// A Bump leaves entries without the tag alone.
func testBumpSparesOtherTags(t *testing.T, s suite) {
	st := s.newStore(t)
	a, b := s.tag(t, "a"), s.tag(t, "b")
	set(t, st, s.key(t, "a"), entry(t, st, "tagged a", a))
	set(t, st, s.key(t, "none"), entry(t, st, "no tags"))
	bump(t, st, b)
	if _, ok := get(t, st, s.key(t, "a")); !ok {
		t.Error("an entry tagged a was dropped by Bump(b)")
	}
	if _, ok := get(t, st, s.key(t, "none")); !ok {
		t.Error("an entry without tags was dropped by Bump(b)")
	}
}

// An entry whose versions were read before a Bump (a revalidation came
// during its load) is not served, whether or not Set refused it.
func testSetBehind(t *testing.T, s suite) {
	st := s.newStore(t)
	a := s.tag(t, "a")
	e := entry(t, st, "loaded before the bump", a)
	bump(t, st, a)
	set(t, st, s.key(t, "k"), e)
	if _, ok := get(t, st, s.key(t, "k")); ok {
		t.Error("an entry set after a Bump of its tag, with the version before, was served")
	}
}

// Under concurrent Sets, Gets and Bumps, no entry is served once its
// Bump has returned.
func testConcurrentBumpGet(t *testing.T, s suite) {
	st := s.newStore(t)
	shared := s.tag(t, "shared")
	const workers, rounds = 4, 100
	var wg sync.WaitGroup
	errs := make(chan error, workers+1)
	for w := range workers {
		wg.Go(func() {
			own, key := s.tag(t, fmt.Sprint(w)), s.key(t, fmt.Sprint(w))
			for range rounds {
				if err := setBumpGet(t, st, key, own, shared); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		for i := range rounds {
			if err := st.Bump(t.Context(), []string{shared}); err != nil {
				errs <- err
				return
			}
			if _, _, err := st.Get(t.Context(), s.key(t, fmt.Sprint(i%workers))); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// setBumpGet stores an entry at key tagged own and shared, bumps own, and
// checks that the entry is gone.
func setBumpGet(t *testing.T, st cache.Store, key, own, shared string) error {
	ctx := t.Context()
	tags := []string{own, shared}
	vs, err := st.Versions(ctx, tags)
	if err != nil {
		return err
	}
	now := time.Now()
	e := cache.Entry{Value: []byte("v"), Tags: tags, Versions: vs, Created: now, Revalidate: now.Add(time.Minute), Expires: now.Add(time.Hour)}
	if err := st.Set(ctx, key, e); err != nil {
		return err
	}
	if err := st.Bump(ctx, []string{own}); err != nil {
		return err
	}
	if _, ok, err := st.Get(ctx, key); err != nil || ok {
		return fmt.Errorf("Get after Bump(%q) = %v, %v; want nothing", own, ok, err)
	}
	return nil
}

// An entry that lives for ever (cache.Forever: start plus 292 years) is
// served.
func testForever(t *testing.T, s suite) {
	st := s.newStore(t)
	key := s.key(t, "forever")
	e := entry(t, st, "for ever")
	e.Revalidate, e.Expires = e.Created.Add(cache.Forever), e.Created.Add(cache.Forever)
	set(t, st, key, e)
	if got, ok := get(t, st, key); !ok || string(got.Value) != "for ever" {
		t.Error("an entry that lives for ever is not served")
	}
}
