package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

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
	Customer  string    `form:"customer" json:"customer" validate:"notblank,max=80"`
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
	ID      int64         `form:"id" json:"-" validate:"required"`      // bound
	Version int64         `form:"version" json:"-" validate:"required"` // bound: what the form showed
	Was     string        `form:"was" json:"-"`                         // bound: the values it showed, for a merge
	Invoice InvoiceFields `form:"invoice" json:"invoice"`
}

// NewComment adds a comment to an invoice.
type NewComment struct {
	InvoiceID int64  `form:"invoice_id" json:"-" validate:"required"` // bound
	Body      string `form:"body" json:"body" validate:"notblank,max=1000"`
}

// ArchiveProject archives a project.
type ArchiveProject struct {
	ProjectID int64 `form:"project_id" json:"-" validate:"required"` // bound
}

// Profile is the signed-in user's profile.
type Profile struct {
	Version     int64  `form:"version" json:"-" validate:"required"` // bound: what the form showed
	Was         string `form:"was" json:"-"`                         // bound: the values it showed, for a merge
	Name        string `form:"name" json:"name" validate:"notblank,max=80"`
	Email       string `form:"email" json:"email" validate:"required,email,max=254"`
	NewPassword string `form:"new_password" json:"new_password" validate:"omitempty,min=8,max=200"`
}

// NewEntry publishes a changelog entry.
type NewEntry struct {
	Title string `form:"title" json:"title" validate:"notblank,max=120"`
	Body  string `form:"body" json:"body" validate:"notblank,max=2000"`
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
	deleteInvoice *actions.Action[DeleteInvoice, struct{}] // the API's
	replaceToken  *actions.Action[ReplaceToken, struct{}]
	markPaid      *actions.Action[MarkPaid, Payment] // Stripe's webhook
}

func (a *App) newActions() appActions {
	return appActions{
		login:         actions.New("auth.login", a.doLogin, a.signInOptions()...),
		logout:        actions.New("auth.logout", a.doLogout, actions.Public()),
		createInvoice: actions.New("invoice.create", a.doCreateInvoice, actions.SignedIn(), actions.Once()),
		editInvoice:   actions.New("invoice.edit", a.doEditInvoice, actions.SignedIn(), actions.Bound("id", "version", "was")),
		addComment:    actions.New("invoice.comment", a.doAddComment, actions.SignedIn(), actions.Bound("invoice_id"), actions.Once()),
		archive:       actions.New("project.archive", a.doArchive, actions.SignedIn(), actions.Bound("project_id")),
		saveProfile:   actions.New("profile.save", a.doSaveProfile, actions.SignedIn(), actions.Sensitive("new_password"), actions.Bound("version", "was")),
		addEntry:      actions.New("changelog.add", a.doAddEntry, actions.RequireRole("admin"), actions.Once()),
		deleteInvoice: actions.New("invoice.delete", a.doDeleteInvoice, actions.RequireRole("admin")),
		replaceToken:  actions.New("api.replace_token", a.doReplaceToken, actions.SignedIn()),
		markPaid:      actions.New("invoice.mark_paid", a.doMarkPaid, actions.RequireRole(rolePayments)),
	}
}

func (a *App) doLogin(ctx context.Context, in Login) (struct{}, error) {
	u, hash, err := a.store.UserByEmail(ctx, strings.ToLower(in.Email))
	if err != nil && !isNoRows(err) {
		return struct{}{}, err
	}
	if u == nil {
		hash = a.dummyHash // spend the same time whether or not the email exists
	}
	match, err := a.comparePassword(ctx, hash, in.Password)
	if err != nil {
		return struct{}{}, err
	}
	if !match || u == nil {
		return struct{}{}, &actions.Error{Kind: actions.KindInvalid, Message: "The email or password is wrong."}
	}
	if err := a.startSession(ctx, u); err != nil {
		return struct{}{}, err
	}
	next := in.Next
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		next = "/" // the server would refuse it; land on the dashboard rather than stay here
	}
	actions.RedirectFull(ctx, next)
	return struct{}{}, nil
}

// doLogout ends the session: it is gone from the store, so that a copy of
// its cookie is worth nothing. It is public: a Log out from a tab whose
// session has ended already says "You are signed out.", rather than being
// refused and sent to sign in again.
func (a *App) doLogout(ctx context.Context, _ Logout) (struct{}, error) {
	if err := a.endSession(ctx); err != nil {
		return struct{}{}, err
	}
	actions.SetMessage(ctx, "You are signed out.") // a flash on the login page
	actions.RedirectFull(ctx, "/login")
	return struct{}{}, nil
}

// checkInvoice turns the form's fields of invoice id (0 for a new one) into
// the values to store, the amount in cents, and refuses an archived project
// unless the invoice belongs to it already, with errors keyed like the
// form's fields.
func (a *App) checkInvoice(ctx context.Context, id int64, f InvoiceFields) (InvoiceValues, error) {
	cents, ok := parseCents(f.Amount)
	if !ok {
		return InvoiceValues{}, actions.Invalid(map[string]string{"invoice.amount": "Enter an amount such as 120.50."})
	}
	open, err := a.store.projectOpenTo(ctx, f.ProjectID, id)
	if err != nil {
		return InvoiceValues{}, err
	}
	if !open {
		return InvoiceValues{}, actions.Invalid(map[string]string{"invoice.project_id": "Choose an active project."})
	}
	return InvoiceValues{ProjectID: f.ProjectID, Customer: f.Customer, Email: f.Email, AmountCents: cents,
		Due: f.Due.Format(time.DateOnly), Notes: f.Notes}, nil
}

func (a *App) doCreateInvoice(ctx context.Context, in NewInvoice) (int64, error) {
	v, err := a.checkInvoice(ctx, 0, in.Invoice)
	if err != nil {
		return 0, err
	}
	id, err := a.store.CreateInvoice(ctx, v)
	if err != nil {
		return 0, err
	}
	actions.RevalidateTag(ctx, "invoices")
	actions.SetMessage(ctx, fmt.Sprintf("Invoice %s created.", Invoice{ID: id}.Number()))
	actions.Redirect(ctx, fmt.Sprintf("/invoices/%d", id))
	return id, nil
}

func (a *App) doEditInvoice(ctx context.Context, in EditInvoice) (int64, error) {
	v, err := a.checkInvoice(ctx, in.ID, in.Invoice)
	if err != nil {
		return 0, err
	}
	err = a.store.UpdateInvoice(ctx, in.ID, in.Version, v)
	var stale *staleError[Invoice]
	switch {
	case isNoRows(err):
		return 0, actions.ErrNotFound
	case errors.As(err, &stale):
		return 0, changedSince("This invoice was changed by someone else since you opened it. "+
			"Their changes are in the fields you left alone; where you both changed a field, theirs is under it. Save again to keep this.",
			in.Was, invoiceValues(stale.now), sentInvoice(v))
	case err != nil:
		return 0, err
	}
	actions.RevalidateTag(ctx, "invoices")
	actions.RevalidatePath(ctx, fmt.Sprintf("/invoices/%d", in.ID))
	actions.SetMessage(ctx, "Invoice saved.")
	return in.ID, nil
}

func (a *App) doAddComment(ctx context.Context, in NewComment) (int64, error) {
	id, err := a.store.AddComment(ctx, in.InvoiceID, userFrom(ctx).ID, in.Body)
	if isNoRows(err) {
		return 0, actions.ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	actions.RevalidatePath(ctx, fmt.Sprintf("/invoices/%d", in.InvoiceID))
	actions.SetMessage(ctx, "Comment added.")
	return id, nil
}

func (a *App) doArchive(ctx context.Context, in ArchiveProject) (int64, error) {
	err := a.store.ArchiveProject(ctx, in.ProjectID)
	if isNoRows(err) {
		return 0, actions.Errorf(actions.KindNotFound, "That project is already archived.")
	}
	if err != nil {
		return 0, err
	}
	actions.RevalidateTag(ctx, "projects")
	actions.SetMessage(ctx, "Project archived.")
	return in.ProjectID, nil
}

// doSaveProfile saves the profile. A new password ends every other session
// of the user: their epoch is left behind. This one stays signed in, with
// a new token.
func (a *App) doSaveProfile(ctx context.Context, in Profile) (struct{}, error) {
	v := ProfileValues{Name: in.Name, Email: strings.ToLower(in.Email), NewPassword: in.NewPassword}
	epoch, err := a.store.SaveProfile(ctx, userFrom(ctx).ID, in.Version, v)
	var stale *staleError[ProfileValues]
	switch {
	case errors.Is(err, errEmailTaken):
		return struct{}{}, actions.Invalid(map[string]string{"email": "That email belongs to another user."})
	case errors.As(err, &stale):
		now := stale.now
		return struct{}{}, changedSince("Your profile was changed elsewhere since you opened this page. "+
			"The other changes are in the fields you left alone; where both changed a field, the other is under it. Save again to keep this.",
			in.Was, url.Values{"name": {now.Name}, "email": {now.Email}}, url.Values{"name": {in.Name}, "email": {v.Email}})
	case err != nil:
		return struct{}{}, err
	}
	if in.NewPassword != "" {
		if err := a.keepSession(ctx, epoch); err != nil {
			return struct{}{}, err
		}
		actions.SetMessage(ctx, "Profile saved. Your new password signed out your other sessions.")
		return struct{}{}, nil
	}
	actions.SetMessage(ctx, "Profile saved.")
	return struct{}{}, nil
}

func (a *App) doAddEntry(ctx context.Context, in NewEntry) (int64, error) {
	id, err := a.store.AddEntry(ctx, userFrom(ctx).ID, in.Title, in.Body)
	if err != nil {
		return 0, err
	}
	actions.RevalidateTag(ctx, "changelog")
	actions.SetMessage(ctx, "Entry published.")
	return id, nil
}

// changedSince is the conflict of a save from a form that is out of date,
// merged three ways (actions.Merged) from was, the values the form showed
// (bound, as JSON), what is saved now, and what the user sent.
func changedSince(message, was string, now, sent url.Values) error {
	var shown map[string]string
	json.Unmarshal([]byte(was), &shown) // a form from before merges existed: every field counts as changed
	return actions.Merged(message, shown, flat(sent), flat(now), savedNow)
}

// flat is v with one value a field.
func flat(v url.Values) map[string]string {
	out := make(map[string]string, len(v))
	for k := range v {
		out[k] = v.Get(k)
	}
	return out
}

// shownValues is what a form shows, as the JSON its "was" binds.
func shownValues(v url.Values) string {
	b, _ := json.Marshal(flat(v))
	return string(b)
}

// savedNow says what a field holds now, in words for an empty one.
func savedNow(v string) string {
	if v == "" {
		return "Saved now: empty."
	}
	return "Saved now: “" + v + "”."
}

// sentInvoice is what the user sent in an invoice form, as the form would
// show it, to compare with what is saved.
func sentInvoice(v InvoiceValues) url.Values {
	return invoiceValues(Invoice{ProjectID: v.ProjectID, Customer: v.Customer, Email: v.Email,
		AmountCents: v.AmountCents, Due: v.Due, Notes: v.Notes})
}
