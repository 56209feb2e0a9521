package app

import (
	"context"
	"database/sql"
	"time"
)

// ReplaceToken moves user id's token epoch on, so that every API token it
// had is refused, and returns the new epoch.
func (s *Store) ReplaceToken(ctx context.Context, id int64) (epoch int64, err error) {
	defer s.users.drop(id)
	err = s.w.QueryRowContext(ctx, `UPDATE users SET token_epoch = token_epoch + 1 WHERE id = ? RETURNING token_epoch`, id).Scan(&epoch)
	return epoch, err
}

// DeleteInvoice deletes invoice id and its comments, or returns
// sql.ErrNoRows.
func (s *Store) DeleteInvoice(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM comments WHERE invoice_id = ?`, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM invoices WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return sql.ErrNoRows
		}
		return nil
	})
}

// Payment is the effect of a payment event on an invoice.
type Payment int

// The effects of MarkPaid.
const (
	Paid          Payment = iota // the invoice is paid now
	SeenBefore                   // the event was processed before: nothing changed
	NoSuchInvoice                // the event names no invoice: it is recorded, and changes nothing
)

// MarkPaid marks invoice id paid for the webhook event eventID, in one
// transaction with the record of the event: an event is processed once,
// even when it is delivered again after a restart, and never half.
func (s *Store) MarkPaid(ctx context.Context, eventID, eventType string, id int64) (Payment, error) {
	effect := Paid
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO webhook_events (id, type, received_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			eventID, eventType, time.Now().UTC())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			effect = SeenBefore
			return nil
		}
		res, err = tx.ExecContext(ctx, `UPDATE invoices SET status = 'paid', version = version + 1, updated_at = ? WHERE id = ?`,
			time.Now().UTC(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			effect = NoSuchInvoice
		}
		return nil
	})
	return effect, err
}
