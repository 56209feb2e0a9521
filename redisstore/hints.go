package redisstore

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
)

// hintPing is how long the subscription may be silent before it is
// pinged, and then how long the ping may go unanswered before it is
// dropped and made anew.
const hintPing = 15 * time.Second

// hintRetry bounds the wait between attempts to reach Redis again.
const (
	hintRetryMin = 50 * time.Millisecond
	hintRetryMax = 2 * time.Second
)

// hints subscribes to bump hints until ctx ends. A hint drops the entries
// of its tags from the near-cache, to free it early; it is never needed
// for a read to be right, since reads check the versions. Each
// (re)subscription flushes the near-cache, since hints may have been lost
// while the subscription was away.
func (c *Cache) hints(ctx context.Context) {
	defer c.done.Done()
	for ctx.Err() == nil {
		ps := c.rdb.Subscribe(ctx, c.channel())
		stop := context.AfterFunc(ctx, func() { ps.Close() })
		c.listen(ctx, ps)
		stop()
		ps.Close()
	}
}

// listen receives hints from ps until ctx ends, or ps stays silent after
// a ping. go-redis reconnects and subscribes again after an error.
func (c *Cache) listen(ctx context.Context, ps *redis.PubSub) {
	retry, pinged := hintRetryMin, false
	for {
		msg, err := ps.ReceiveTimeout(ctx, hintPing)
		var netErr net.Error
		timeout := errors.As(err, &netErr) && netErr.Timeout()
		switch {
		case ctx.Err() != nil:
			return
		case err == nil:
			retry, pinged = hintRetryMin, false
			c.hint(msg)
		case timeout && !pinged:
			pinged = true
			ps.Ping(ctx) // its failure shows in the next receive
		case timeout:
			c.log.Warn("redisstore: the subscription to bump hints is silent; subscribing anew", "channel", c.channel())
			return
		default:
			if retry == hintRetryMin {
				c.log.Warn("redisstore: the subscription to bump hints failed; retrying", "channel", c.channel(), "err", err)
			}
			sleep(ctx, retry)
			retry = min(2*retry, hintRetryMax)
		}
	}
}

// hint acts on a message of the subscription: a hint drops its tags'
// entries, a (re)subscription flushes the near-cache.
func (c *Cache) hint(msg any) {
	var tags []string
	switch m := msg.(type) {
	case *redis.Subscription:
		if m.Kind != "subscribe" {
			return
		}
		c.near.flush()
	case *redis.Message:
		var ok bool
		if tags, _, ok = readStrings([]byte(m.Payload)); !ok {
			c.near.flush()
			return
		}
		c.near.dropTags(tags)
	default:
		return
	}
	if c.onHint != nil {
		c.onHint(tags)
	}
}

// sleep waits for d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
