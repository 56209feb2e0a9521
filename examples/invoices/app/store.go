package app

import "database/sql"

// Store reads and writes the demo's SQLite database. Its methods are split
// by concept: store_users.go, store_projects.go, store_invoices.go,
// store_comments.go and store_changelog.go.
type Store struct{ db *sql.DB }
