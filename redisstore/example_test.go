package redisstore_test

import (
	"context"
	"log"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/cache"
	"github.com/formwork-dev/formwork/keyring"
	"github.com/formwork-dev/formwork/redisstore"
)

// A cache shared by every instance of an app: the one line an app needs
// is cache.New with the Redis store. The store's client keeps short
// timeouts, so that with Redis down a read falls through to its loader
// soon. Close the cache, then the store, then the client.
func ExampleNewCache_shared() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true,
		DialTimeout: time.Second, ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond, MaxRetries: 1})
	defer rdb.Close()
	store := redisstore.NewCache(rdb, redisstore.Options{Prefix: "myapp:", NearCacheBytes: 32 << 20})
	defer store.Close()
	c, err := cache.New(cache.Config{Store: store})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// Use c as any cache: cache.NewFunc, Route.Cache, and as the actions'
	// Revalidator. A RevalidateTag on one instance is seen by all.
}

// A cache store shared by every instance of the app, with a near-cache of
// 64 MB in each. The client honours its callers' deadlines, so a Redis
// that stops answering fails a read at the request's deadline. It needs a
// Redis server, so it has no output to check.
func ExampleNewCache() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	defer rdb.Close()
	store := redisstore.NewCache(rdb, redisstore.Options{Prefix: "invoices:", NearCacheBytes: 64 << 20})
	defer store.Close()

	// What the cache does with its store: a load stamps its entry with
	// its tags' versions as they were when it began...
	ctx := context.Background()
	tags := []string{"invoices", "path:/invoices"}
	began := time.Now()
	versions, err := store.Versions(ctx, tags)
	if err != nil {
		log.Fatal(err)
	}
	page := []byte("<ul>…</ul>") // loaded
	err = store.Set(ctx, "GET /invoices", cache.Entry{Value: page, Tags: tags, Versions: versions,
		Created: began, Revalidate: began.Add(time.Minute), Expires: began.Add(time.Hour)})
	if err != nil {
		log.Fatal(err)
	}
	// ...and a mutation on any instance makes it stale everywhere.
	if err := store.Bump(ctx, []string{"invoices"}); err != nil {
		log.Fatal(err)
	}
	_, ok, err := store.Get(ctx, "GET /invoices")
	log.Println(ok, err) // false <nil>
}

// One-time tokens and limits that hold across every instance: a form is
// submitted once whichever instance gets it, and five wrong passwords per
// email in 15 minutes are five in all.
func ExampleNewLimiter() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	defer rdb.Close()
	opts := redisstore.Options{Prefix: "invoices:"}

	keys, _ := keyring.New([]byte("an example secret of 32 bytes!!!"))
	reg, err := actions.NewRegistry(actions.Config{Keys: keys, OnceStore: redisstore.NewOnceStore(rdb, opts)})
	if err != nil {
		log.Fatal(err)
	}
	signIn := actions.New("auth.signin", func(ctx context.Context, in SignIn) (struct{}, error) {
		return struct{}{}, nil // check the password
	}, actions.Public(), actions.Once(),
		actions.LimitFailures(redisstore.NewLimiter(rdb, 5, 15*time.Minute, opts), actions.ByField("email")))
	if err := reg.Register(signIn); err != nil {
		log.Fatal(err)
	}
}

type SignIn struct {
	Email    string `form:"email" validate:"required,email"`
	Password string `form:"password" validate:"required"`
}
