package cache

// A FuncOption configures a [Func] made by [NewFunc].
type FuncOption[K comparable] func(*funcOptions[K])

// funcOptions are what FuncOptions set.
type funcOptions[K comparable] struct {
	keyTags func(K) []string
}

// KeyTags tags each value of a Func with tags(k), before its load begins,
// so that no revalidation of them can slip past the load, on any
// instance sharing the store. Tags that only the loaded data tells (the
// IDs in a list) are given with [Tag] from the loader.
//
// A Func keyed by path uses KeyTags(PathTags), so that
// [Cache.RevalidatePath] and [Cache.RevalidatePrefix] reach its entries.
func KeyTags[K comparable](tags func(k K) []string) FuncOption[K] {
	return func(o *funcOptions[K]) { o.keyTags = tags }
}
