package app

import (
	"context"
	"time"
)

// Entry is a changelog entry.
type Entry struct {
	ID          int64
	Title, Body string
	Author      string
	CreatedAt   time.Time
}

// Changelog lists the entries, newest first.
func (s *Store) Changelog(ctx context.Context) ([]Entry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.title, e.body, u.name, e.created_at FROM changelog e JOIN users u ON u.id = e.user_id ORDER BY e.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.Title, &e.Body, &e.Author, &e.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddEntry publishes user userID's changelog entry and returns its ID.
func (s *Store) AddEntry(ctx context.Context, userID int64, title, body string) (int64, error) {
	res, err := s.w.ExecContext(ctx, `INSERT INTO changelog (title, body, user_id, created_at) VALUES (?, ?, ?, ?)`,
		title, body, userID, time.Now().UTC())
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
