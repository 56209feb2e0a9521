package app

import (
	"context"
	"database/sql"
	"time"
)

// Comment is a note on an invoice.
type Comment struct {
	ID        int64
	Author    string
	Body      string
	CreatedAt time.Time
}

// Comments lists an invoice's comments, oldest first.
func (s *Store) Comments(ctx context.Context, invoiceID int64) ([]Comment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, u.name, c.body, c.created_at FROM comments c JOIN users u ON u.id = c.user_id
		WHERE c.invoice_id = ? ORDER BY c.id`, invoiceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var c Comment
		if err := rows.Scan(&c.ID, &c.Author, &c.Body, &c.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddComment adds user userID's comment to invoice invoiceID and returns its
// ID, or returns sql.ErrNoRows when there is no such invoice.
func (s *Store) AddComment(ctx context.Context, invoiceID, userID int64, body string) (int64, error) {
	res, err := s.w.ExecContext(ctx, `INSERT INTO comments (invoice_id, user_id, body, created_at)
		SELECT id, ?, ?, ? FROM invoices WHERE id = ?`, userID, body, time.Now().UTC(), invoiceID)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, sql.ErrNoRows
	}
	return res.LastInsertId()
}
