package cache_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/cache"
	"github.com/formwork-dev/formwork/cache/storetest"
)

// The memory store keeps the Store contract.
func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) cache.Store { return cache.NewMemory(1 << 20) })
}

// The memory store holds entries up to its size in bytes, evicting others.
func TestMemoryBounded(t *testing.T) {
	st := cache.NewMemory(64 << 10)
	now := time.Now()
	value := make([]byte, 1<<10)
	for i := range 1000 {
		e := cache.Entry{Value: value, Created: now, Revalidate: now.Add(time.Hour), Expires: now.Add(time.Hour)}
		if err := st.Set(t.Context(), fmt.Sprint(i), e); err != nil {
			t.Fatal(err)
		}
	}
	held := 0
	for i := range 1000 {
		if _, ok, _ := st.Get(t.Context(), fmt.Sprint(i)); ok {
			held++
		}
	}
	if held == 0 || held > 64 {
		t.Errorf("a 64 KiB store holds %d entries of 1 KiB", held)
	}
}

// Past 100 000 revalidated tags, the memory store forgets them, and every
// entry with a tag stored before is behind; one without tags stays.
func TestMemoryForgetsTags(t *testing.T) {
	ctx := t.Context()
	st := cache.NewMemory(0)
	now := time.Now()
	tagged := cache.Entry{Value: []byte("tagged"), Tags: []string{"a"}, Versions: []uint64{0}, Expires: now.Add(time.Hour)}
	untagged := cache.Entry{Value: []byte("untagged"), Expires: now.Add(time.Hour)}
	st.Set(ctx, "tagged", tagged)
	st.Set(ctx, "untagged", untagged)
	for i := range 100_001 {
		st.Bump(ctx, []string{fmt.Sprint("tag", i)})
	}
	if _, ok, _ := st.Get(ctx, "tagged"); ok {
		t.Error("an entry tagged before the store forgot its tags is served")
	}
	if _, ok, _ := st.Get(ctx, "untagged"); !ok {
		t.Error("an entry without tags was dropped when the store forgot its tags")
	}
	vs, _ := st.Versions(ctx, []string{"a"})
	tagged.Versions = vs
	st.Set(ctx, "tagged", tagged)
	if _, ok, _ := st.Get(ctx, "tagged"); !ok {
		t.Error("an entry stamped after the store forgot its tags is not served")
	}
}
