package app

import (
	"context"
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
}

// Number is the invoice's human number.
func (i Invoice) Number() string { return fmt.Sprintf("INV-%04d", i.ID) }

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
