package app

import (
	"context"
	"database/sql"
)

// Store reads and writes the demo's SQLite database; no other file of the
// app holds SQL, but for the schema and seed data in db.go. A method whose
// row is missing returns sql.ErrNoRows (see isNoRows). Its methods are split
// by concept: store_users.go, store_projects.go, store_invoices.go,
// store_comments.go and store_changelog.go.
type Store struct {
	db *sql.DB
	// userByID is prepared once: every signed-in request looks its user
	// up, and preparing the statement cost more than running it.
	userByID *sql.Stmt
	users    userCache
}

// NewStore returns a store over db, with its hot statements prepared.
func NewStore(ctx context.Context, db *sql.DB) (*Store, error) {
	s := &Store{db: db}
	var err error
	s.userByID, err = db.PrepareContext(ctx, userSelect+"id = ?")
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }
