package app

import (
	"context"
	"database/sql"
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Store reads and writes the demo's SQLite database; no other file of the
// app holds SQL, but for the schema and seed data in db.go. A method whose
// row is missing returns sql.ErrNoRows (see isNoRows). Its methods are split
// by concept: store_users.go, store_projects.go, store_invoices.go,
// store_comments.go and store_changelog.go.
type Store struct {
	db *sql.DB // readers
	w  *sql.DB // the one writer: every write, in a transaction of its own
	// userByID is prepared once: every signed-in request looks its user
	// up, and preparing the statement cost more than running it.
	userByID *sql.Stmt
	users    userCache
}

// NewStore returns a store over db, with its hot statements prepared.
func NewStore(ctx context.Context, db *DB) (*Store, error) {
	s := &Store{db: db.Read, w: db.Write}
	var err error
	s.userByID, err = db.Read.PrepareContext(ctx, userSelect+"id = ?")
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// inTx runs fn in one immediate transaction on the writer, and commits it
// when fn returns nil: an action's writes happen together, or not at all.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// staleError is a write's answer when the row's version moved on since the
// form showed it: it holds the row as saved now.
type staleError[T any] struct{ now T }

func (e *staleError[T]) Error() string { return "app: the row changed since the form showed it" }

// isUniqueViolation reports whether err is SQLite refusing a write that
// would break a UNIQUE constraint.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}
