package redisstore_test

import (
	"testing"

	"github.com/formwork-dev/formwork/cache"
	"github.com/formwork-dev/formwork/cache/storetest"
)

// The Redis store keeps the contract of every cache.Store, with its
// near-cache and without.
func TestStoreContract(t *testing.T) {
	srv := startRedis(t)
	for _, nc := range nearCaches {
		t.Run(nc.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) cache.Store { return newCache(t, srv, nc.bytes) })
		})
	}
}
