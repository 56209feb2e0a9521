package redisstore

import (
	"sync"

	"github.com/formwork-dev/formwork/cache"
)

// near is a cache's near-cache: entries it read or wrote lately, each with
// the ID it has in Redis, bounded in bytes, the least recently used
// dropped first. It decides nothing: a read sends the ID of the entry it
// holds, and Redis answers whether that entry is still there and still
// current. Its methods are safe for concurrent use, and a nil *near keeps
// nothing.
type near struct {
	max int64

	mu    sync.Mutex
	size  int64
	items map[string]*nearItem
	lru   nearItem // sentinel of a ring: lru.next is the most recent
	byTag map[string]map[*nearItem]struct{}
}

// nearItem is an entry in the near-cache. Its key, id, entry and size are
// set once; prev and next change under near.mu.
type nearItem struct {
	key, id    string
	entry      cache.Entry
	size       int64
	prev, next *nearItem
}

// nearOverhead is what an item costs beside its strings and value.
const nearOverhead = 160

// newNear returns a near-cache of at most max bytes, or nil when max is
// 0 or less.
func newNear(max int64) *near {
	if max <= 0 {
		return nil
	}
	n := &near{max: max}
	n.reset()
	return n
}

// reset empties n. n.mu is held, or n is new.
func (n *near) reset() {
	n.items = map[string]*nearItem{}
	n.byTag = map[string]map[*nearItem]struct{}{}
	n.lru.prev, n.lru.next = &n.lru, &n.lru
	n.size = 0
}

// get returns the item at key, or nil.
func (n *near) get(key string) *nearItem {
	if n == nil {
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	it := n.items[key]
	if it != nil {
		n.unlink(it)
		n.pushFront(it)
	}
	return it
}

// put keeps e, whose ID in Redis is id, at key; an entry larger than a
// quarter of the bound is not kept.
func (n *near) put(key, id string, e cache.Entry) {
	if n == nil {
		return
	}
	it := &nearItem{key: key, id: id, entry: e, size: itemSize(key, id, e)}
	n.mu.Lock()
	defer n.mu.Unlock()
	if old := n.items[key]; old != nil {
		n.remove(old)
	}
	if it.size > n.max/4 {
		return
	}
	n.items[key] = it
	n.pushFront(it)
	n.size += it.size
	for _, tag := range e.Tags {
		if n.byTag[tag] == nil {
			n.byTag[tag] = map[*nearItem]struct{}{}
		}
		n.byTag[tag][it] = struct{}{}
	}
	for n.size > n.max {
		n.remove(n.lru.prev)
	}
}

// drop forgets the entry at key.
func (n *near) drop(key string) {
	if n == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if it := n.items[key]; it != nil {
		n.remove(it)
	}
}

// dropTags forgets every entry tagged with one of tags.
func (n *near) dropTags(tags []string) {
	if n == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, tag := range tags {
		for it := range n.byTag[tag] {
			n.remove(it)
		}
	}
}

// flush forgets every entry.
func (n *near) flush() {
	if n == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.reset()
}

// remove takes it out of n. n.mu is held.
func (n *near) remove(it *nearItem) {
	delete(n.items, it.key)
	for _, tag := range it.entry.Tags {
		if set := n.byTag[tag]; set != nil {
			delete(set, it)
			if len(set) == 0 {
				delete(n.byTag, tag)
			}
		}
	}
	n.unlink(it)
	n.size -= it.size
}

// pushFront makes it the most recently used. n.mu is held.
func (n *near) pushFront(it *nearItem) {
	it.prev, it.next = &n.lru, n.lru.next
	it.prev.next, it.next.prev = it, it
}

// unlink takes it out of the ring. n.mu is held.
func (n *near) unlink(it *nearItem) {
	it.prev.next, it.next.prev = it.next, it.prev
	it.prev, it.next = nil, nil
}

// itemSize is what an item costs in the near-cache's bound.
func itemSize(key, id string, e cache.Entry) int64 {
	size := int64(nearOverhead + len(key) + len(id) + len(e.Value) + 8*len(e.Versions))
	for _, tag := range e.Tags {
		size += int64(len(tag)) + 48 // and its place in byTag
	}
	return size
}
