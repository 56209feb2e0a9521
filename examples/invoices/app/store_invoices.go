package app

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Invoice is a bill to a customer.
type Invoice struct {
	ID, ProjectID    int64
	Project          string
	Customer, Email  string
	AmountCents      int64
	Due              string // YYYY-MM-DD
	Status, Notes    string
	CreatedAt, Saved time.Time
	Version          int64 // for a save from an out-of-date form
}

// Number is the invoice's human number.
func (i Invoice) Number() string { return fmt.Sprintf("INV-%04d", i.ID) }

const invoiceColumns = `i.id, i.project_id, p.name, i.customer, i.email, i.amount_cents, i.due_date, i.status, i.notes, i.created_at, i.updated_at, i.version`

func scanInvoice(sc interface{ Scan(...any) error }) (Invoice, error) {
	var i Invoice
	err := sc.Scan(&i.ID, &i.ProjectID, &i.Project, &i.Customer, &i.Email, &i.AmountCents, &i.Due, &i.Status, &i.Notes, &i.CreatedAt, &i.Saved, &i.Version)
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

// InvoiceValues are what CreateInvoice and UpdateInvoice write.
type InvoiceValues struct {
	ProjectID       int64
	Customer, Email string
	AmountCents     int64
	Due             string // YYYY-MM-DD
	Notes           string
}

// CreateInvoice adds an open invoice and returns its ID.
func (s *Store) CreateInvoice(ctx context.Context, v InvoiceValues) (int64, error) {
	now := time.Now().UTC()
	res, err := s.w.ExecContext(ctx, `INSERT INTO invoices (project_id, customer, email, amount_cents, due_date, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, v.ProjectID, v.Customer, v.Email, v.AmountCents, v.Due, v.Notes, now, now)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// UpdateInvoice saves invoice id if it is still at version. It returns
// sql.ErrNoRows when there is no such invoice, and a staleError with the
// invoice as saved now when its version moved on.
func (s *Store) UpdateInvoice(ctx context.Context, id, version int64, v InvoiceValues) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE invoices SET project_id = ?, customer = ?, email = ?, amount_cents = ?, due_date = ?, notes = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			v.ProjectID, v.Customer, v.Email, v.AmountCents, v.Due, v.Notes, time.Now().UTC(), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		now, err := scanInvoice(tx.QueryRowContext(ctx, `SELECT `+invoiceColumns+` FROM invoices i JOIN projects p ON p.id = i.project_id WHERE i.id = ?`, id))
		if err != nil {
			return err // sql.ErrNoRows: it is gone
		}
		return &staleError[Invoice]{now: now}
	})
}
