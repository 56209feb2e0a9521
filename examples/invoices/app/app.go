// Package app is the invoices demo of formwork: an invoices dashboard on
// SQLite whose forms work with JavaScript off and with htmx on.
package app

import (
	"context"
	"embed"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"regexp"
	"runtime"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/go-playground/validator/v10"
	"golang.org/x/crypto/bcrypt"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/cache"
	"github.com/formwork-dev/formwork/keyring"
	"github.com/formwork-dev/formwork/server"
	"github.com/formwork-dev/formwork/static"
)

// Config configures the demo.
type Config struct {
	DB     *DB
	Secret []byte
	Dev    bool
	// HTMX is the htmx major version the pages load: "2" (the default) or "4".
	HTMX   string
	Logger *slog.Logger
	// NoSignInLimits turns off the limits on signing in (5 wrong passwords
	// per email per 15 minutes, 30 tries per address per minute), for a
	// load test that signs in from one address.
	NoSignInLimits bool
	// Sessions keeps the sessions. Nil keeps them in DB's sessions table,
	// deleting the expired ones every 5 minutes until [App.Close].
	Sessions scs.Store
	// HTTPS says that users reach the app over https, through a proxy that
	// talks plain http to it: every cookie is then Secure.
	HTTPS bool
	// TrustedProxies are the addresses whose X-Forwarded-Proto is believed:
	// a request from one of them with X-Forwarded-Proto: https gets Secure
	// cookies. Nobody else's X-Forwarded-Proto counts.
	TrustedProxies []netip.Prefix
	// Cache keeps the cached reads and answers. Nil means one in memory,
	// for one instance; several instances share one on Redis (see
	// OnRedis), as they share OnceStore, NewLimiter and Sessions.
	Cache cache.Store
	// NoCache reads every list from the database, to measure what the
	// cache gains; the changelog feed is still cached as a route.
	NoCache bool
	// OnceStore remembers the spent one-time form tokens. Nil means in
	// memory.
	OnceStore actions.OnceStore
	// NewLimiter makes the sign-in limits. Nil means in memory.
	NewLimiter func(n int, per time.Duration) actions.Limiter
	// StripeSecret signs Stripe's webhook deliveries ("whsec_…"). Empty
	// means DevStripeSecret.
	StripeSecret string
	// Now tells the time, for a session's idle timeout. Nil means
	// time.Now; tests move it on.
	Now func() time.Time
}

// App is the demo application.
type App struct {
	cfg       Config
	store     *Store
	cache     *cache.Cache
	reads     reads
	reg       *actions.Registry
	srv       *server.Server
	handler   http.Handler  // srv, and what the demo adds around it
	files     *static.Files // formwork's assets: htmx and form styles
	own       *static.Files // the demo's own assets
	act       appActions
	dummyHash []byte
	hashing   chan struct{} // a slot per bcrypt comparison that may run at once
	sessions  *scs.SessionManager
	closing   sync.Once
	close     func() // stops the deletion of expired sessions
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

// errNoPage is the 404 of an address that shows nothing.
var errNoPage = actions.Errorf(actions.KindNotFound, "There is no page at this address.")

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
	c, err := cache.New(cache.Config{Store: cfg.Cache, Logger: cfg.Logger, Profiles: map[string]cache.Profile{feedProfile: feedLife}})
	if err != nil {
		return nil, err
	}
	reg, err := actions.NewRegistry(actions.Config{
		Revalidator: c, // a mutation's tags and paths, once it succeeded
		OnceStore:   cfg.OnceStore,
		Keys:        keys,
		Validator:   v,
		Messages:    map[string]string{"money": "Enter an amount such as 1,250.00."},
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
	rd, err := newReads(c, store, cfg.NoCache)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, store: store, cache: c, reads: rd, reg: reg, files: files, own: own, dummyHash: dummy,
		hashing: make(chan struct{}, max(1, runtime.NumCPU()/2))}
	a.act = a.newActions()
	if err := reg.Register(a.act.login, a.act.logout, a.act.createInvoice, a.act.editInvoice,
		a.act.addComment, a.act.archive, a.act.saveProfile, a.act.addEntry, a.act.deleteInvoice, a.act.replaceToken, a.act.markPaid); err != nil {
		return nil, err
	}
	a.srv, err = server.New(server.Config{
		Actions:      reg,
		Logger:       cfg.Logger,
		Dev:          cfg.Dev,
		Authenticate: a.authenticate,
		LoginPath:    "/login",
		ErrorPage:    a.errorPage,
	})
	if err != nil {
		return nil, err
	}
	a.sessions, a.close, err = newSessions(cfg) // last: it may start a goroutine
	if err != nil {
		return nil, err
	}
	if err := a.routes(); err != nil {
		return nil, err
	}
	a.handler = a.secureCookies(a.withSessions(markRefusedForms(a.srv)))
	return a, nil
}

// Handler returns the app's HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Registry returns the app's actions, for manifests and tests.
func (a *App) Registry() *actions.Registry { return a.reg }

func (a *App) routes() error {
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
	return a.apiRoutes()
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
	morph  string      // idiomorph, for htmx 2
	ext    string      // the htmx 2 extensions the body turns on
	fwJS   string      // formwork.js: busy buttons, and what a morph must keep
	reads  []cacheRead // how the page's cached reads were answered, in dev mode
	// summaryJS streams an invoice's summary into the page in place of
	// following its link.
	summaryJS string
}

func (a *App) view(r *http.Request, res *actions.Result) view {
	return a.viewFor(r.Context(), res)
}

func (a *App) viewFor(ctx context.Context, res *actions.Result) view {
	v := view{User: userFrom(ctx), Res: res, act: &a.act, css: a.files.URL(static.CSS),
		appCSS: a.own.URL("app.css"), icon: a.own.URL("favicon.svg"), fwJS: a.files.URL(static.JS),
		summaryJS: a.own.URL("summary.js")}
	if a.cfg.HTMX == "4" {
		v.htmx = a.files.URL(static.HTMX4) // morphs by itself
	} else {
		v.htmx, v.morph, v.ext = a.files.URL(static.HTMX2), a.files.URL(static.Idiomorph), "morph"
	}
	return v
}

// errorPage is the page of a request that failed outside a page's form,
// such as a 404, in the site's layout. The error page has no request; the
// signed-in user comes from the context it renders in.
func (a *App) errorPage(e server.ErrorInfo) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return errorPage(a.viewFor(ctx, nil), e).Render(ctx, w)
	})
}
