// Package app is the invoices demo of formwork: an invoices dashboard on
// SQLite whose forms work with JavaScript off and with htmx on.
package app

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"

	"github.com/a-h/templ"
	"github.com/go-playground/validator/v10"
	"golang.org/x/crypto/bcrypt"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/keyring"
	"github.com/formwork-dev/formwork/server"
	"github.com/formwork-dev/formwork/static"
)

// Config configures the demo.
type Config struct {
	DB     *sql.DB
	Secret []byte
	Dev    bool
	// HTMX is the htmx major version the pages load: "2" (the default) or "4".
	HTMX   string
	Logger *slog.Logger
}

// App is the demo application.
type App struct {
	cfg       Config
	store     *Store
	keys      *keyring.Ring
	reg       *actions.Registry
	srv       *server.Server
	files     *static.Files // formwork's assets: htmx and form styles
	own       *static.Files // the demo's own assets
	act       appActions
	dummyHash []byte
}

//go:embed assets
var assets embed.FS

func assetsFS() fs.FS {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}

var moneyPattern = regexp.MustCompile(`^\s*\d{1,3}(,?\d{3})*(\.\d{1,2})?\s*$`)

// New builds the demo on an open database.
func New(cfg Config) (*App, error) {
	if cfg.DB == nil {
		return nil, errors.New("app: Config.DB is nil")
	}
	switch cfg.HTMX {
	case "":
		cfg.HTMX = "2"
	case "2", "4":
	default:
		return nil, errors.New(`app: Config.HTMX must be "2" or "4"`)
	}
	v := validator.New(validator.WithRequiredStructEnabled())
	if err := v.RegisterValidation("money", func(fl validator.FieldLevel) bool {
		return moneyPattern.MatchString(fl.Field().String())
	}); err != nil {
		return nil, err
	}
	keys, err := keyring.New(cfg.Secret)
	if err != nil {
		return nil, err
	}
	reg, err := actions.NewRegistry(actions.Config{
		Keys:      keys,
		Validator: v,
		Messages:  map[string]string{"money": "Enter an amount such as 1,250.00."},
	})
	if err != nil {
		return nil, err
	}
	files, err := static.New(static.Assets(), "/static/")
	if err != nil {
		return nil, err
	}
	own, err := static.New(assetsFS(), "/assets/")
	if err != nil {
		return nil, err
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("no user has this password"), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	store, err := NewStore(context.Background(), cfg.DB)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, store: store, keys: keys, reg: reg, files: files, own: own, dummyHash: dummy}
	a.act = a.newActions()
	if err := reg.Register(a.act.login, a.act.logout, a.act.createInvoice, a.act.editInvoice,
		a.act.addComment, a.act.archive, a.act.saveProfile, a.act.addEntry); err != nil {
		return nil, err
	}
	a.srv, err = server.New(server.Config{
		Actions:      reg,
		Logger:       cfg.Logger,
		Dev:          cfg.Dev,
		Authenticate: a.authenticate,
		LoginPath:    "/login",
	})
	if err != nil {
		return nil, err
	}
	a.routes()
	return a, nil
}

// Handler returns the app's HTTP handler.
func (a *App) Handler() http.Handler { return a.srv }

// Registry returns the app's actions, for manifests and tests.
func (a *App) Registry() *actions.Registry { return a.reg }

func (a *App) routes() {
	a.srv.Page("/login", a.loginPage)
	a.srv.Page("/{$}", a.dashboardPage)
	a.srv.Page("/invoices/new", a.newInvoicePage)
	a.srv.Page("/invoices/{id}", a.invoicePage)
	a.srv.Page("/profile", a.profilePage)
	a.srv.Page("/changelog", a.changelogPage)
	a.srv.Handle("GET /static/", a.files)
	a.srv.Handle("GET /assets/", a.own)
	// Pages link the icon; this is for what asks the conventional path.
	a.srv.Handle("GET /favicon.ico", http.RedirectHandler(a.own.URL("favicon.svg"), http.StatusMovedPermanently))
	a.srv.Handle("GET /healthz", http.HandlerFunc(a.healthz))
}

func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	if err := a.store.Ping(r.Context()); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// view is what every page's layout needs.
type view struct {
	User   *User
	Res    *actions.Result
	act    *appActions
	css    string
	appCSS string
	icon   string
	htmx   string
}

func (a *App) view(r *http.Request, res *actions.Result) view {
	script := static.HTMX2
	if a.cfg.HTMX == "4" {
		script = static.HTMX4
	}
	return view{User: userFrom(r.Context()), Res: res, act: &a.act, css: a.files.URL(static.CSS),
		appCSS: a.own.URL("app.css"), icon: a.own.URL("favicon.svg"), htmx: a.files.URL(script)}
}

func (a *App) signedIn(r *http.Request) (*User, error) {
	u := userFrom(r.Context())
	if u == nil {
		return nil, actions.ErrUnauthenticated
	}
	return u, nil
}

func (a *App) loginPage(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
	return loginPage(a.view(r, res), r.URL.Query().Get("next")), nil
}

func (a *App) dashboardPage(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
	if _, err := a.signedIn(r); err != nil {
		return nil, err
	}
	projects, err := a.store.Projects(r.Context())
	if err != nil {
		return nil, err
	}
	invoices, err := a.store.Invoices(r.Context())
	if err != nil {
		return nil, err
	}
	return dashboardPage(a.view(r, res), projects, invoices), nil
}

func (a *App) newInvoicePage(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
	if _, err := a.signedIn(r); err != nil {
		return nil, err
	}
	projects, err := a.store.Projects(r.Context())
	if err != nil {
		return nil, err
	}
	return newInvoicePage(a.view(r, res), projects), nil
}

func (a *App) invoicePage(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
	if _, err := a.signedIn(r); err != nil {
		return nil, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, actions.ErrNotFound
	}
	inv, err := a.store.Invoice(r.Context(), id)
	if isNoRows(err) {
		return nil, actions.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	comments, err := a.store.Comments(r.Context(), id)
	if err != nil {
		return nil, err
	}
	projects, err := a.store.Projects(r.Context())
	if err != nil {
		return nil, err
	}
	return invoicePage(a.view(r, res), inv, comments, projects), nil
}

func (a *App) profilePage(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
	u, err := a.signedIn(r)
	if err != nil {
		return nil, err
	}
	return profilePage(a.view(r, res), u), nil
}

func (a *App) changelogPage(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
	if _, err := a.signedIn(r); err != nil {
		return nil, err
	}
	entries, err := a.store.Changelog(r.Context())
	if err != nil {
		return nil, err
	}
	return changelogPage(a.view(r, res), entries), nil
}
