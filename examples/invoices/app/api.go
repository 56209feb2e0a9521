package app

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/cache"
	"github.com/formwork-dev/formwork/server"
)

// apiRoutes mounts the route handlers: the mobile app's API (a bearer
// token), the public changelog feed, the summary stream, Stripe's webhook
// and the health check. Forms on the app's own pages are actions; these
// are for every other caller.
func (a *App) apiRoutes() error {
	s := a.srv
	stripe, err := a.stripeWebhook()
	if err != nil {
		return err
	}
	s.Handle("/api/webhooks/stripe", stripe)
	s.Handle("/api/invoices", s.Route().
		Get(server.Guard(actions.SignedIn(), a.apiInvoices)).
		Post(server.Decoded(s, actions.SignedIn(), a.apiCreateInvoice)))
	s.Handle("/api/invoices/{id}", s.Route().
		Get(server.Guard(actions.SignedIn(), a.apiInvoice)).
		Patch(server.Decoded(s, actions.SignedIn(), a.apiPatchInvoice)).
		Delete(server.Guard(actions.RequireRole("admin"), a.apiDeleteInvoice)))
	s.Handle("/api/invoices/{id}/summary", s.Route().Get(server.Guard(actions.SignedIn(), a.apiSummary)))
	s.Handle("/api/changelog.json", s.Route().Get(a.apiChangelog).
		CORS(server.CORS{Origins: []string{"*"}, Expose: []string{"ETag", "X-Cache"}, MaxAge: time.Hour}).
		Cache(server.RouteCache{Cache: a.cache, Name: "changelog.json", Profile: feedProfile, Tags: []string{"changelog"},
			AnyCookies: true})) // the same for everyone: a browser's cookies change nothing
	s.Handle("/api/", s.Route().Get(noAPI).Post(noAPI).Put(noAPI).Patch(noAPI).Delete(noAPI))
	s.Handle("/healthz", s.Route().Get(a.healthz))
	return nil
}

// noAPI answers an API path that names nothing with a problem, not a page.
func noAPI(http.ResponseWriter, *http.Request) error {
	return actions.Errorf(actions.KindNotFound, "There is nothing at this address.")
}

// APIInvoice is an invoice as the API shows it.
type APIInvoice struct {
	ID          int64     `json:"id"`
	Number      string    `json:"number"`
	URL         string    `json:"url"`
	ProjectID   int64     `json:"project_id"`
	Project     string    `json:"project"`
	Customer    string    `json:"customer"`
	Email       string    `json:"email"`
	Amount      string    `json:"amount"`
	AmountCents int64     `json:"amount_cents"`
	Due         string    `json:"due"`
	Status      string    `json:"status"`
	Notes       string    `json:"notes"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"version"`
}

func apiInvoice(i Invoice) APIInvoice {
	return APIInvoice{ID: i.ID, Number: i.Number(), URL: fmt.Sprintf("/api/invoices/%d", i.ID), ProjectID: i.ProjectID,
		Project: i.Project, Customer: i.Customer, Email: i.Email, Amount: formatCents(i.AmountCents),
		AmountCents: i.AmountCents, Due: i.Due, Status: i.Status, Notes: i.Notes,
		CreatedAt: i.CreatedAt.UTC(), UpdatedAt: i.Saved.UTC(), Version: i.Version}
}

// apiInvoices lists every invoice, with an ETag: a client that has the
// list gets a 304.
func (a *App) apiInvoices(w http.ResponseWriter, r *http.Request) error {
	list, err := a.store.Invoices(r.Context())
	if err != nil {
		return err
	}
	out := make([]APIInvoice, len(list))
	for i, inv := range list {
		out[i] = apiInvoice(inv)
	}
	return server.CachedJSON(w, r, map[string]any{"invoices": out})
}

// invoiceETag names an invoice's version: every write moves it on.
func invoiceETag(i Invoice) string { return fmt.Sprintf(`"%d.%d"`, i.ID, i.Version) }

// apiInvoice shows one invoice; a client whose copy is current gets 304
// before the body is built.
func (a *App) apiInvoice(w http.ResponseWriter, r *http.Request) error {
	inv, err := a.invoiceAt(r)
	if err != nil {
		return err
	}
	if server.NotModified(w, r, invoiceETag(inv), inv.Saved) {
		return nil
	}
	return server.JSON(w, http.StatusOK, apiInvoice(inv))
}

// invoiceAt reads the invoice of r's {id}: 404 for one that is not there.
func (a *App) invoiceAt(r *http.Request) (Invoice, error) {
	id, err := server.PathInt64(r, "id")
	if err != nil {
		return Invoice{}, err
	}
	inv, err := a.store.Invoice(r.Context(), id)
	if isNoRows(err) {
		return Invoice{}, actions.Errorf(actions.KindNotFound, "There is no invoice %s.", Invoice{ID: id}.Number())
	}
	return inv, err
}

// apiCreateInvoice creates an invoice through the very action the form
// calls: the same checks, the same revalidation. It answers 201 with the
// invoice and its Location.
func (a *App) apiCreateInvoice(w http.ResponseWriter, r *http.Request, in NewInvoice) error {
	id, err := a.act.createInvoice.Call(r.Context(), in)
	if err != nil {
		return err
	}
	inv, err := a.store.Invoice(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/invoices/%d", id))
	w.Header().Set("ETag", invoiceETag(inv))
	return server.JSON(w, http.StatusCreated, apiInvoice(inv))
}

// InvoicePatch changes some fields of an invoice, at the version the
// client read: a write since is a 409, never lost.
type InvoicePatch struct {
	Version int64 `json:"version" validate:"required"`
	Invoice struct {
		ProjectID *int64     `json:"project_id"`
		Customer  *string    `json:"customer"`
		Email     *string    `json:"email"`
		Amount    *string    `json:"amount"`
		Due       *time.Time `json:"due"`
		Notes     *string    `json:"notes"`
	} `json:"invoice"`
}

// apiPatchInvoice applies a patch through the edit form's action.
func (a *App) apiPatchInvoice(w http.ResponseWriter, r *http.Request, in InvoicePatch) error {
	inv, err := a.invoiceAt(r)
	if err != nil {
		return err
	}
	f := fieldsOf(inv)
	p := in.Invoice
	set(&f.ProjectID, p.ProjectID)
	set(&f.Customer, p.Customer)
	set(&f.Email, p.Email)
	set(&f.Amount, p.Amount)
	set(&f.Due, p.Due)
	set(&f.Notes, p.Notes)
	_, err = a.act.editInvoice.Call(r.Context(), EditInvoice{ID: inv.ID, Version: in.Version,
		Was: shownValues(invoiceValues(inv)), Invoice: f})
	if actions.KindOf(err) == actions.KindConflict {
		return actions.Errorf(actions.KindConflict, "The invoice changed since version %d; get it again and send its version.", in.Version)
	}
	if err != nil {
		return err
	}
	return a.apiInvoice(w, r)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// fieldsOf are an invoice's values as the forms send them.
func fieldsOf(inv Invoice) InvoiceFields {
	due, _ := time.Parse(time.DateOnly, inv.Due)
	return InvoiceFields{ProjectID: inv.ProjectID, Customer: inv.Customer, Email: inv.Email,
		Amount: formatCents(inv.AmountCents), Due: due, Notes: inv.Notes}
}

// apiDeleteInvoice deletes an invoice, for admins: 204.
func (a *App) apiDeleteInvoice(w http.ResponseWriter, r *http.Request) error {
	id, err := server.PathInt64(r, "id")
	if err != nil {
		return err
	}
	if _, err := a.act.deleteInvoice.Call(r.Context(), DeleteInvoice{ID: id}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// feedProfile is the life of the public changelog feed: browsers ask
// again each time (an ETag makes it a 304), shared caches and the server
// keep it a minute, then serve it stale five more while one refresh runs.
// Publishing an entry revalidates it at once.
const feedProfile = "feed"

var feedLife = cache.Profile{Stale: 0, Revalidate: time.Minute, Expire: 6 * time.Minute}

// apiChangelog is the public changelog feed, served from the server's
// cache (its entries too: a hit reads nothing).
func (a *App) apiChangelog(w http.ResponseWriter, r *http.Request) error {
	entries, _, err := a.reads.changelog.Lookup(r.Context(), struct{}{})
	if err != nil {
		return err
	}
	type entry struct {
		ID        int64     `json:"id"`
		Title     string    `json:"title"`
		Body      string    `json:"body"`
		Author    string    `json:"author"`
		CreatedAt time.Time `json:"created_at"`
	}
	out := make([]entry, len(entries))
	for i, e := range entries {
		out[i] = entry{e.ID, e.Title, e.Body, e.Author, e.CreatedAt.UTC()}
	}
	return server.CachedJSON(w, r, map[string]any{"entries": out})
}

// healthz says whether the app can reach its database: 200, or 503.
func (a *App) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.store.Ping(ctx); err != nil {
		return &actions.Error{Kind: actions.KindUnavailable, Message: "The database is unavailable.", Err: err, RetryAfter: 5 * time.Second}
	}
	server.CacheNone(w)
	return server.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// DeleteInvoice deletes an invoice.
type DeleteInvoice struct {
	ID int64 `json:"id" validate:"required"`
}

func (a *App) doDeleteInvoice(ctx context.Context, in DeleteInvoice) (struct{}, error) {
	err := a.store.DeleteInvoice(ctx, in.ID)
	if isNoRows(err) {
		return struct{}{}, actions.Errorf(actions.KindNotFound, "There is no invoice %s.", Invoice{ID: in.ID}.Number())
	}
	if err != nil {
		return struct{}{}, err
	}
	actions.RevalidateTag(ctx, "invoices")
	actions.RevalidatePath(ctx, "/invoices/"+strconv.FormatInt(in.ID, 10))
	return struct{}{}, nil
}

// ReplaceToken replaces the signed-in user's API token: the old one stops
// working at once.
type ReplaceToken struct{}

func (a *App) doReplaceToken(ctx context.Context, _ ReplaceToken) (struct{}, error) {
	if _, err := a.store.ReplaceToken(ctx, userFrom(ctx).ID); err != nil {
		return struct{}{}, err
	}
	actions.RevalidatePath(ctx, "/profile")
	actions.SetMessage(ctx, "Your API token is replaced; the old one no longer works.")
	return struct{}{}, nil
}
