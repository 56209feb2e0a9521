package cache_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/formwork-dev/formwork/cache"
)

// Distinct keys never share an entry, even when their text would.
func TestKeysDistinct(t *testing.T) {
	type pair struct{ A, B string }
	for _, tc := range []struct {
		name string
		get  func(c *cache.Cache) ([]string, error)
	}{
		{"strings", func(c *cache.Cache) ([]string, error) {
			return getAll(c, []string{"a b", "a", "b", `"a"`, "", " "})
		}},
		{"ints", func(c *cache.Cache) ([]string, error) {
			return getAll(c, []int{1, -1, 10, 0})
		}},
		{"structs whose fields run together", func(c *cache.Cache) ([]string, error) {
			return getAll(c, []pair{{"a b", "c"}, {"a", "b c"}, {"a", "b"}, {"a b", ""}})
		}},
		{"arrays", func(c *cache.Cache) ([]string, error) {
			return getAll(c, [][2]string{{"a,b", "c"}, {"a", "b,c"}})
		}},
		{"floats", func(c *cache.Cache) ([]string, error) {
			return getAll(c, []float64{1, 1.5, 0.30000000000000004, 0.3, 1e21, -0.5})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.get(newCache(t, cache.Config{}))
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, v := range got {
				if seen[v] {
					t.Errorf("two keys got the value %q", v)
				}
				seen[v] = true
			}
		})
	}
}

// getAll gets each of keys from a Func that returns which load it was.
func getAll[K comparable](c *cache.Cache, keys []K) ([]string, error) {
	n := 0
	f, err := cache.NewFunc(c, "f", "short", func(context.Context, K) (string, error) {
		n++
		return fmt.Sprint(n), nil
	})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range keys {
		v, err := f.Get(context.Background(), k)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
