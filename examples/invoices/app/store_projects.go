package app

import (
	"context"
	"database/sql"
	"time"
)

// Project groups invoices.
type Project struct {
	ID        int64
	Name      string
	Invoices  int
	OpenCents int64
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

// projectOpenTo reports whether invoice invoiceID (0 for a new one) may be
// filed under project id: the project exists and is not archived, or it
// is the project that invoice belongs to already. An invoice of an
// archived project stays there; none moves into one.
func (s *Store) projectOpenTo(ctx context.Context, id, invoiceID int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM projects p WHERE p.id = ?
		AND (p.archived_at IS NULL OR EXISTS (SELECT 1 FROM invoices i WHERE i.id = ? AND i.project_id = p.id))`, id, invoiceID).Scan(&n)
	return n == 1, err
}

// ArchiveProject archives project id, or returns sql.ErrNoRows when there is
// no such project or it is archived already.
func (s *Store) ArchiveProject(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `UPDATE projects SET archived_at = ? WHERE id = ? AND archived_at IS NULL`, time.Now().UTC(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return sql.ErrNoRows
	}
	return nil
}
