package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/formwork-dev/formwork/actions"
)

// Login is the sign-in form.
type Login struct {
	Email    string `form:"email" json:"email" validate:"required,email,max=254"`
	Password string `form:"password" json:"password" validate:"required,max=200"`
	Next     string `form:"next" json:"-"` // bound: where to go after signing in
}

// Logout is the sign-out button.
type Logout struct{}

// InvoiceFields are the fields of the create and edit forms.
type InvoiceFields struct {
	ProjectID int64     `form:"project_id" json:"project_id" validate:"required"`
	Customer  string    `form:"customer" json:"customer" validate:"required,max=80"`
	Email     string    `form:"email" json:"email" validate:"required,email,max=254"`
	Amount    string    `form:"amount" json:"amount" validate:"required,money"`
	Due       time.Time `form:"due" json:"due" validate:"required"`
	Notes     string    `form:"notes" json:"notes" validate:"max=500"`
}

// NewInvoice creates an invoice.
type NewInvoice struct {
	Invoice InvoiceFields `form:"invoice" json:"invoice"`
}

// EditInvoice saves an invoice.
type EditInvoice struct {
	ID      int64         `form:"id" json:"-" validate:"required"` // bound
	Invoice InvoiceFields `form:"invoice" json:"invoice"`
}

// NewComment adds a comment to an invoice.
type NewComment struct {
	InvoiceID int64  `form:"invoice_id" json:"-" validate:"required"` // bound
	Body      string `form:"body" json:"body" validate:"required,max=1000"`
}

// ArchiveProject archives a project.
type ArchiveProject struct {
	ProjectID int64 `form:"project_id" json:"-" validate:"required"` // bound
}

// Profile is the signed-in user's profile.
type Profile struct {
	Name        string `form:"name" json:"name" validate:"required,max=80"`
	Email       string `form:"email" json:"email" validate:"required,email,max=254"`
	NewPassword string `form:"new_password" json:"new_password" validate:"omitempty,min=8,max=200"`
}

// NewEntry publishes a changelog entry.
type NewEntry struct {
	Title string `form:"title" json:"title" validate:"required,max=120"`
	Body  string `form:"body" json:"body" validate:"required,max=2000"`
}

type appActions struct {
	login         *actions.Action[Login, struct{}]
	logout        *actions.Action[Logout, struct{}]
	createInvoice *actions.Action[NewInvoice, int64]
	editInvoice   *actions.Action[EditInvoice, int64]
	addComment    *actions.Action[NewComment, int64]
	archive       *actions.Action[ArchiveProject, int64]
	saveProfile   *actions.Action[Profile, struct{}]
	addEntry      *actions.Action[NewEntry, int64]
}

func (a *App) newActions() appActions {
	return appActions{
		login:         actions.New("auth.login", a.doLogin, actions.Public(), actions.Sensitive("password"), actions.Bound("next")),
		logout:        actions.New("auth.logout", a.doLogout, actions.SignedIn()),
		createInvoice: actions.New("invoice.create", a.doCreateInvoice, actions.SignedIn()),
		editInvoice:   actions.New("invoice.edit", a.doEditInvoice, actions.SignedIn(), actions.Bound("id")),
		addComment:    actions.New("invoice.comment", a.doAddComment, actions.SignedIn(), actions.Bound("invoice_id")),
		archive:       actions.New("project.archive", a.doArchive, actions.SignedIn(), actions.Bound("project_id")),
		saveProfile:   actions.New("profile.save", a.doSaveProfile, actions.SignedIn(), actions.Sensitive("new_password")),
		addEntry:      actions.New("changelog.add", a.doAddEntry, actions.RequireRole("admin")),
	}
}

func (a *App) doLogin(ctx context.Context, in Login) (struct{}, error) {
	u, hash, err := a.store.userWhere(ctx, "email = ?", strings.ToLower(in.Email))
	if err != nil && !isNoRows(err) {
		return struct{}{}, err
	}
	if u == nil {
		hash = a.dummyHash // spend the same time whether or not the email exists
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(in.Password)) != nil || u == nil {
		return struct{}{}, &actions.Error{Kind: actions.KindInvalid, Message: "The email or password is wrong."}
	}
	actions.SetCookie(ctx, a.sessionCookieFor(actions.Request(ctx), u))
	next := in.Next
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		next = "/"
	}
	actions.RedirectFull(ctx, next)
	return struct{}{}, nil
}

func (a *App) doLogout(ctx context.Context, _ Logout) (struct{}, error) {
	actions.SetCookie(ctx, clearedSession(actions.Request(ctx)))
	actions.RedirectFull(ctx, "/login")
	return struct{}{}, nil
}

// checkInvoice turns the form's fields into cents, and refuses archived
// projects, with errors keyed like the form's fields.
func (a *App) checkInvoice(ctx context.Context, f InvoiceFields) (int64, error) {
	cents, ok := parseCents(f.Amount)
	if !ok {
		return 0, actions.Invalid(map[string]string{"invoice.amount": "Enter an amount such as 120.50."})
	}
	active, err := a.store.activeProject(ctx, f.ProjectID)
	if err != nil {
		return 0, err
	}
	if !active {
		return 0, actions.Invalid(map[string]string{"invoice.project_id": "Choose an active project."})
	}
	return cents, nil
}

func (a *App) doCreateInvoice(ctx context.Context, in NewInvoice) (int64, error) {
	cents, err := a.checkInvoice(ctx, in.Invoice)
	if err != nil {
		return 0, err
	}
	f, now := in.Invoice, time.Now().UTC()
	res, err := a.store.db.ExecContext(ctx, `INSERT INTO invoices (project_id, customer, email, amount_cents, due_date, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, f.ProjectID, f.Customer, f.Email, cents, f.Due.Format(time.DateOnly), f.Notes, now, now)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	actions.RevalidateTag(ctx, "invoices")
	actions.SetMessage(ctx, fmt.Sprintf("Invoice %s created.", Invoice{ID: id}.Number()))
	actions.Redirect(ctx, fmt.Sprintf("/invoices/%d", id))
	return id, nil
}

func (a *App) doEditInvoice(ctx context.Context, in EditInvoice) (int64, error) {
	cents, err := a.checkInvoice(ctx, in.Invoice)
	if err != nil {
		return 0, err
	}
	f := in.Invoice
	res, err := a.store.db.ExecContext(ctx, `UPDATE invoices SET project_id = ?, customer = ?, email = ?, amount_cents = ?, due_date = ?, notes = ?, updated_at = ?
		WHERE id = ?`, f.ProjectID, f.Customer, f.Email, cents, f.Due.Format(time.DateOnly), f.Notes, time.Now().UTC(), in.ID)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, actions.ErrNotFound
	}
	actions.RevalidateTag(ctx, "invoices")
	actions.RevalidatePath(ctx, fmt.Sprintf("/invoices/%d", in.ID))
	actions.SetMessage(ctx, "Invoice saved.")
	return in.ID, nil
}

func (a *App) doAddComment(ctx context.Context, in NewComment) (int64, error) {
	res, err := a.store.db.ExecContext(ctx, `INSERT INTO comments (invoice_id, user_id, body, created_at)
		SELECT id, ?, ?, ? FROM invoices WHERE id = ?`, userFrom(ctx).ID, in.Body, time.Now().UTC(), in.InvoiceID)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, actions.ErrNotFound
	}
	actions.RevalidatePath(ctx, fmt.Sprintf("/invoices/%d", in.InvoiceID))
	actions.SetMessage(ctx, "Comment added.")
	return res.LastInsertId()
}

func (a *App) doArchive(ctx context.Context, in ArchiveProject) (int64, error) {
	res, err := a.store.db.ExecContext(ctx, `UPDATE projects SET archived_at = ? WHERE id = ? AND archived_at IS NULL`, time.Now().UTC(), in.ProjectID)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, actions.Errorf(actions.KindNotFound, "That project is already archived.")
	}
	actions.RevalidateTag(ctx, "projects")
	actions.SetMessage(ctx, "Project archived.")
	return in.ProjectID, nil
}

func (a *App) doSaveProfile(ctx context.Context, in Profile) (struct{}, error) {
	u := userFrom(ctx)
	var taken int
	if err := a.store.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = ? AND id != ?`, strings.ToLower(in.Email), u.ID).Scan(&taken); err != nil {
		return struct{}{}, err
	}
	if taken > 0 {
		return struct{}{}, actions.Invalid(map[string]string{"email": "That email belongs to another user."})
	}
	if _, err := a.store.db.ExecContext(ctx, `UPDATE users SET name = ?, email = ? WHERE id = ?`, in.Name, strings.ToLower(in.Email), u.ID); err != nil {
		return struct{}{}, err
	}
	if in.NewPassword != "" {
		hash, err := bcrypt.GenerateFromPassword([]byte(in.NewPassword), bcrypt.DefaultCost)
		if err != nil {
			return struct{}{}, err
		}
		if _, err := a.store.db.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, u.ID); err != nil {
			return struct{}{}, err
		}
	}
	actions.SetMessage(ctx, "Profile saved.")
	return struct{}{}, nil
}

func (a *App) doAddEntry(ctx context.Context, in NewEntry) (int64, error) {
	res, err := a.store.db.ExecContext(ctx, `INSERT INTO changelog (title, body, user_id, created_at) VALUES (?, ?, ?, ?)`,
		in.Title, in.Body, userFrom(ctx).ID, time.Now().UTC())
	if err != nil {
		return 0, err
	}
	actions.RevalidateTag(ctx, "changelog")
	actions.SetMessage(ctx, "Entry published.")
	return res.LastInsertId()
}
