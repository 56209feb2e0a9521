// Package cache keeps what is expensive to read, and forgets it when a
// mutation revalidates it: by tag, or by path.
package cache
