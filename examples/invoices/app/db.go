package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"golang.org/x/crypto/bcrypt"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// The demo logins, shown on the login page.
const (
	AdminEmail     = "admin@example.com"
	AdminPassword  = "admin-demo-pass"
	MemberEmail    = "member@example.com"
	MemberPassword = "member-demo-pass"
)

// migrations are applied in order, once each, at start-up.
var migrations = []string{
	`CREATE TABLE users (
		id INTEGER PRIMARY KEY,
		email TEXT NOT NULL UNIQUE,
		name TEXT NOT NULL,
		password_hash BLOB NOT NULL,
		role TEXT NOT NULL CHECK (role IN ('admin', 'member'))
	);
	CREATE TABLE projects (
		id INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		archived_at TIMESTAMP
	);
	CREATE TABLE invoices (
		id INTEGER PRIMARY KEY,
		project_id INTEGER NOT NULL REFERENCES projects(id),
		customer TEXT NOT NULL,
		email TEXT NOT NULL,
		amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
		due_date TEXT NOT NULL,
		status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid')),
		notes TEXT NOT NULL DEFAULT '',
		created_at TIMESTAMP NOT NULL,
		updated_at TIMESTAMP NOT NULL
	);
	CREATE TABLE comments (
		id INTEGER PRIMARY KEY,
		invoice_id INTEGER NOT NULL REFERENCES invoices(id),
		user_id INTEGER NOT NULL REFERENCES users(id),
		body TEXT NOT NULL,
		created_at TIMESTAMP NOT NULL
	);
	CREATE INDEX comments_by_invoice ON comments(invoice_id, id);
	CREATE TABLE changelog (
		id INTEGER PRIMARY KEY,
		title TEXT NOT NULL,
		body TEXT NOT NULL,
		user_id INTEGER NOT NULL REFERENCES users(id),
		created_at TIMESTAMP NOT NULL
	);`,
	// Versions, for edits from a form that is out of date (Rails'
	// lock_version): a save names the version its form showed.
	`ALTER TABLE invoices ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
	ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;`,
	// Server-side sessions: the table of scs's sqlite3store, and each
	// user's session epoch, which a password change moves on.
	`CREATE TABLE sessions (
		token TEXT PRIMARY KEY,
		data BLOB NOT NULL,
		expiry REAL NOT NULL
	);
	CREATE INDEX sessions_expiry_idx ON sessions(expiry);
	ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;`,
	// The API: each user's token epoch, which replacing the token moves
	// on; and the webhook events processed, so that a redelivery is not.
	`ALTER TABLE users ADD COLUMN token_epoch INTEGER NOT NULL DEFAULT 0;
	CREATE TABLE webhook_events (
		id TEXT PRIMARY KEY,
		type TEXT NOT NULL,
		received_at TIMESTAMP NOT NULL
	);`,
}

// DB is the demo's SQLite database: a pool of readers, and one writer.
// SQLite lets one connection write at a time; with every write going
// through the one writer connection, in immediate transactions, writers
// queue in Go rather than fail with "database is locked", and readers, in
// WAL mode, never wait for them.
type DB struct {
	Read  *sql.DB // the readers
	Write *sql.DB // the one writer
}

// Close closes both pools.
func (d *DB) Close() error { return errors.Join(d.Write.Close(), d.Read.Close()) }

// OpenDB opens (creating if need be) the SQLite file at path in WAL mode,
// applies the migrations it has not seen, and seeds an empty database.
func OpenDB(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	pragmas := "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	write, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1) // one writer: the others wait their turn here
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&mode=ro")
	if err != nil {
		write.Close()
		return nil, err
	}
	// A bounded pool that keeps its connections: opening one runs the
	// pragmas and reads the schema, which under load cost more than the
	// queries (database/sql keeps only two idle connections by default).
	conns := max(4, 2*runtime.NumCPU())
	read.SetMaxOpenConns(conns)
	read.SetMaxIdleConns(conns)
	db := &DB{Read: read, Write: write}
	if err := migrate(ctx, write); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	if err := seed(ctx, write); err != nil {
		db.Close()
		return nil, fmt.Errorf("seed %s: %w", path, err)
	}
	return db, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return err
	}
	var applied int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&applied); err != nil {
		return err
	}
	for v := applied; v < len(migrations); v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, v+1); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func seed(ctx context.Context, db *sql.DB) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil || n > 0 {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UTC()
	for _, u := range []struct{ email, name, password, role string }{
		{AdminEmail, "Ada Admin", AdminPassword, "admin"},
		{MemberEmail, "Max Member", MemberPassword, "member"},
	} {
		hash, err := bcrypt.GenerateFromPassword([]byte(u.password), bcrypt.DefaultCost)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, password_hash, role) VALUES (?, ?, ?, ?)`, u.email, u.name, hash, u.role); err != nil {
			return err
		}
	}
	for _, p := range []string{"Website redesign", "Mobile app", "Data migration"} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO projects (name) VALUES (?)`, p); err != nil {
			return err
		}
	}
	for i, inv := range []struct {
		project        int
		customer, mail string
		cents          int64
		days           int
		status         string
	}{
		{1, "Acme Corp", "billing@acme.example", 420000, 14, "open"},
		{1, "Globex", "ap@globex.example", 125050, -3, "open"},
		{2, "Initech", "finance@initech.example", 980000, 30, "paid"},
		{2, "Umbrella", "accounts@umbrella.example", 34999, 7, "open"},
		{3, "Hooli", "pay@hooli.example", 1500000, 21, "open"},
	} {
		due := now.AddDate(0, 0, inv.days).Format(time.DateOnly)
		created := now.Add(-time.Duration(5-i) * time.Hour)
		if _, err := tx.ExecContext(ctx, `INSERT INTO invoices (project_id, customer, email, amount_cents, due_date, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, inv.project, inv.customer, inv.mail, inv.cents, due, inv.status, created, created); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		invoice, user int
		body          string
	}{{1, 1, "Sent to Acme's billing portal."}, {1, 2, "They asked for a PO number; added it to the notes."}} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO comments (invoice_id, user_id, body, created_at) VALUES (?, ?, ?, ?)`, c.invoice, c.user, c.body, now); err != nil {
			return err
		}
	}
	for _, e := range []struct{ title, body string }{
		{"Invoices dashboard", "Create, edit and comment on invoices, with or without JavaScript."},
		{"Archive projects", "Archived projects leave the dashboard; their invoices stay."},
	} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO changelog (title, body, user_id, created_at) VALUES (?, ?, 1, ?)`, e.title, e.body, now); err != nil {
			return err
		}
	}
	return tx.Commit()
}

var errNoRows = sql.ErrNoRows

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }
