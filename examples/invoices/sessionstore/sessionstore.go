// Package sessionstore opens the stores that instances of the invoices
// demo can share their sessions in: Redis and PostgreSQL. One instance
// needs neither: by default the demo keeps its sessions in its own SQLite
// database (see app.Config.Sessions).
package sessionstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/gomodule/redigo/redis"
	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver, registered as "pgx"
)

// Store is a session store (an scs.Store) that holds connections.
type Store struct {
	scs.Store
	close func() error
}

// Close stops the store's work in the background and closes its
// connections.
func (s *Store) Close() error { return s.close() }

// timeout bounds each exchange with a store's server.
const timeout = 3 * time.Second

// Redis returns a store in the Redis server at url, such as
// redis://127.0.0.1:6379/0, once the server answers. Redis deletes
// expired sessions itself.
func Redis(ctx context.Context, url string) (*Store, error) {
	pool := &redis.Pool{
		MaxIdle:     16,
		MaxActive:   64,
		Wait:        true,
		IdleTimeout: 4 * time.Minute,
		DialContext: func(ctx context.Context) (redis.Conn, error) {
			return redis.DialURLContext(ctx, url, redis.DialConnectTimeout(timeout),
				redis.DialReadTimeout(timeout), redis.DialWriteTimeout(timeout))
		},
	}
	conn, err := pool.GetContext(ctx)
	if err == nil {
		_, err = conn.Do("PING")
		conn.Close()
	}
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("sessions in redis: %w", err)
	}
	return &Store{Store: redisstore.New(pool), close: pool.Close}, nil
}

// postgresSchema is the table the PostgreSQL store keeps sessions in.
var postgresSchema = []string{
	`CREATE TABLE IF NOT EXISTS sessions (
		token TEXT PRIMARY KEY,
		data BYTEA NOT NULL,
		expiry TIMESTAMPTZ NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS sessions_expiry_idx ON sessions (expiry)`,
}

// Postgres returns a store in the PostgreSQL database at url, such as
// postgres://invoices@127.0.0.1:5432/invoices, creating its sessions table
// there when it is missing. It deletes expired sessions every 5 minutes,
// until Close.
func Postgres(ctx context.Context, url string) (*Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("sessions in postgres: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for _, stmt := range postgresSchema {
		if _, err = db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return nil, fmt.Errorf("sessions in postgres: %w", err)
		}
	}
	store := postgresstore.New(db)
	return &Store{Store: store, close: func() error {
		store.StopCleanup()
		return db.Close()
	}}, nil
}
