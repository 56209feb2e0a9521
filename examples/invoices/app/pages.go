package app

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
)

// The pages' handlers: each reads what its page shows, which pages.templ
// lays out.

// signedIn returns the signed-in user of r, or actions.ErrUnauthenticated,
// which sends the caller to sign in.
func (a *App) signedIn(r *http.Request) (*User, error) {
	u := userFrom(r.Context())
	if u == nil {
		return nil, actions.ErrUnauthenticated
	}
	return u, nil
}

func (a *App) loginPage(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
	if signInAgain(w, r) && res == nil {
		// In the page's one message slot, as a flash would be.
		res = &actions.Result{Status: actions.StatusOK, Message: "Sign in again to continue."}
	}
	return loginPage(a.view(r, res), r.URL.Query().Get("next")), nil
}

func (a *App) dashboardPage(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
	if _, err := a.signedIn(r); err != nil {
		return nil, err
	}
	var seen []cacheRead
	projects, err := read(r.Context(), a.reads.projects, &seen)
	if err != nil {
		return nil, err
	}
	invoices, err := read(r.Context(), a.reads.invoices, &seen)
	if err != nil {
		return nil, err
	}
	return dashboardPage(a.viewRead(r, res, seen), projects, invoices), nil
}

func (a *App) newInvoicePage(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
	if _, err := a.signedIn(r); err != nil {
		return nil, err
	}
	var seen []cacheRead
	projects, err := read(r.Context(), a.reads.projects, &seen)
	if err != nil {
		return nil, err
	}
	return newInvoicePage(a.viewRead(r, res, seen), projects), nil
}

func (a *App) invoicePage(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
	if _, err := a.signedIn(r); err != nil {
		return nil, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, errNoPage
	}
	inv, err := a.store.Invoice(r.Context(), id)
	if isNoRows(err) {
		return nil, actions.Errorf(actions.KindNotFound, "There is no invoice %s.", Invoice{ID: id}.Number())
	}
	if err != nil {
		return nil, err
	}
	comments, err := a.store.Comments(r.Context(), id)
	if err != nil {
		return nil, err
	}
	var seen []cacheRead
	projects, err := read(r.Context(), a.reads.projects, &seen)
	if err != nil {
		return nil, err
	}
	return invoicePage(a.viewRead(r, res, seen), inv, comments, projects), nil
}

func (a *App) profilePage(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
	u, err := a.signedIn(r)
	if err != nil {
		return nil, err
	}
	return profilePage(a.view(r, res), u, a.APIToken(u)), nil
}

func (a *App) changelogPage(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
	if _, err := a.signedIn(r); err != nil {
		return nil, err
	}
	var seen []cacheRead
	entries, err := read(r.Context(), a.reads.changelog, &seen)
	if err != nil {
		return nil, err
	}
	return changelogPage(a.viewRead(r, res, seen), entries), nil
}

// viewRead is a page's view, with how its cached reads were answered in
// dev mode.
func (a *App) viewRead(r *http.Request, res *actions.Result, seen []cacheRead) view {
	v := a.view(r, res)
	if a.cfg.Dev {
		v.reads = seen
	}
	return v
}
