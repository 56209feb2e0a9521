package app

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// User is a signed-in user; it is the app's actions.Principal.
type User struct {
	ID                int64
	Email, Name, Role string
}

// Subject identifies the user in logs.
func (u *User) Subject() string { return fmt.Sprintf("user:%d", u.ID) }

// HasRole reports whether the user holds role.
func (u *User) HasRole(role string) bool { return u.Role == role }

// Project groups invoices.
type Project struct {
	ID        int64
	Name      string
	Invoices  int
	OpenCents int64
}

// Invoice is a bill to a customer.
type Invoice struct {
	ID, ProjectID    int64
	Project          string
	Customer, Email  string
	AmountCents      int64
	Due              string // YYYY-MM-DD
	Status, Notes    string
	CreatedAt, Saved time.Time
}

// Number is the invoice's human number.
func (i Invoice) Number() string { return fmt.Sprintf("INV-%04d", i.ID) }

// Comment is a note on an invoice.
type Comment struct {
	ID        int64
	Author    string
	Body      string
	CreatedAt time.Time
}

// Entry is a changelog entry.
type Entry struct {
	ID          int64
	Title, Body string
	Author      string
	CreatedAt   time.Time
}

// Store reads and writes the demo's SQLite database.
type Store struct{ db *sql.DB }

func (s *Store) userWhere(ctx context.Context, where string, arg any) (*User, []byte, error) {
	u := &User{}
	var hash []byte
	err := s.db.QueryRowContext(ctx, `SELECT id, email, name, role, password_hash FROM users WHERE `+where, arg).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &hash)
	if err != nil {
		return nil, nil, err
	}
	return u, hash, nil
}

// Projects lists the projects that are not archived.
func (s *Store) Projects(ctx context.Context) ([]Project, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT p.id, p.name, COUNT(i.id), COALESCE(SUM(CASE WHEN i.status = 'open' THEN i.amount_cents END), 0)
		FROM projects p LEFT JOIN invoices i ON i.project_id = p.id
		WHERE p.archived_at IS NULL GROUP BY p.id ORDER BY p.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		var p Project
		if err := rows.Scan(&p.ID, &p.Name, &p.Invoices, &p.OpenCents); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

const invoiceColumns = `i.id, i.project_id, p.name, i.customer, i.email, i.amount_cents, i.due_date, i.status, i.notes, i.created_at, i.updated_at`

func scanInvoice(sc interface{ Scan(...any) error }) (Invoice, error) {
	var i Invoice
	err := sc.Scan(&i.ID, &i.ProjectID, &i.Project, &i.Customer, &i.Email, &i.AmountCents, &i.Due, &i.Status, &i.Notes, &i.CreatedAt, &i.Saved)
	return i, err
}

// Invoices lists every invoice, newest first.
func (s *Store) Invoices(ctx context.Context) ([]Invoice, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+invoiceColumns+` FROM invoices i JOIN projects p ON p.id = i.project_id ORDER BY i.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Invoice
	for rows.Next() {
		i, err := scanInvoice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// Invoice returns one invoice, or sql.ErrNoRows.
func (s *Store) Invoice(ctx context.Context, id int64) (Invoice, error) {
	return scanInvoice(s.db.QueryRowContext(ctx, `SELECT `+invoiceColumns+` FROM invoices i JOIN projects p ON p.id = i.project_id WHERE i.id = ?`, id))
}

// activeProject reports whether the project exists and is not archived.
func (s *Store) activeProject(ctx context.Context, id int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM projects WHERE id = ? AND archived_at IS NULL`, id).Scan(&n)
	return n == 1, err
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

// parseCents reads an amount such as "1,250.50" as cents.
func parseCents(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || len(whole) > 10 {
		return 0, false
	}
	var cents int64
	for _, r := range whole + (frac + "00")[:2] {
		if r < '0' || r > '9' {
			return 0, false
		}
		cents = cents*10 + int64(r-'0')
	}
	return cents, cents > 0
}

// formatCents writes cents as "1,250.50".
func formatCents(c int64) string {
	whole := fmt.Sprint(c / 100)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s.%02d", b.String(), c%100)
}
