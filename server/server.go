package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"

	"github.com/formwork-dev/formwork/actions"
)

// Config configures a [Server].
type Config struct {
	// Actions holds the app's actions. Required.
	Actions *actions.Registry
	// Logger receives one line per request. Nil means slog.Default().
	Logger *slog.Logger
	// Dev shows internal errors in full on pages; production shows a digest.
	Dev bool
	// Authenticate returns the principal of a request, or nil for nobody.
	// An error is an internal error. Nil means every request is anonymous.
	Authenticate func(r *http.Request) (actions.Principal, error)
	// LoginPath is where callers that are not signed in are sent. The
	// default is "/login".
	LoginPath string
	// TrustedOrigins may send cross-origin unsafe requests, such as
	// "https://admin.example.com".
	TrustedOrigins []string
	// RedirectOrigins are the origins, such as "https://pay.example.com",
	// that an action may redirect to with an absolute URL. Same-origin
	// paths need no entry.
	RedirectOrigins []string
	// ErrorPage renders the page of a request that failed outside any page,
	// such as a 404 or a panic. Nil means a plain built-in page.
	ErrorPage func(e ErrorInfo) templ.Component
}

// ErrorInfo describes a failed request for an error page.
type ErrorInfo struct {
	Status  int
	Message string // user-safe
	Digest  string // for internal errors: quote it to find the log line
	Detail  string // the full error, in development only
}

// PageFunc returns the component of a page. Res is the result of the action
// just run on this page (nil on a plain GET, or a message-only result after
// a redirect-back with a flash). Returning an error of kind
// [actions.KindNotFound] answers 404.
type PageFunc func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error)

// Server routes page and action requests. Create one with [New].
type Server struct {
	cfg       Config
	log       *slog.Logger
	mux       *http.ServeMux
	cop       *http.CrossOriginProtection
	redirects map[string]bool
	handler   http.Handler
}

// ActionsPath is the prefix of the action endpoint, POST /_actions/{id}.
const ActionsPath = "/_actions/"

// New returns a server for cfg, or an error that says what in cfg is wrong.
func New(cfg Config) (*Server, error) {
	if cfg.Actions == nil {
		return nil, errors.New("server: Config.Actions is nil")
	}
	if cfg.LoginPath == "" {
		cfg.LoginPath = "/login"
	}
	if !isLocalPath(cfg.LoginPath) {
		return nil, fmt.Errorf("server: Config.LoginPath %q is not a local path", cfg.LoginPath)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), cop: http.NewCrossOriginProtection(), redirects: map[string]bool{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	for _, o := range cfg.TrustedOrigins {
		if err := s.cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("server: Config.TrustedOrigins: %w", err)
		}
	}
	for _, o := range cfg.RedirectOrigins {
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return nil, fmt.Errorf("server: Config.RedirectOrigins: %q is not an origin such as https://example.com", o)
		}
		s.redirects[strings.ToLower(u.Scheme+"://"+u.Host)] = true
	}
	s.cop.SetDenyHandler(http.HandlerFunc(s.denyCrossOrigin))
	s.handle("POST "+ActionsPath+"{id}", http.HandlerFunc(s.serveAction))
	// Cross-origin requests are refused before anything, authentication included, runs.
	s.handler = s.logRequests(s.recoverPanics(s.protect(s.authenticate(s.mux))))
	return s, nil
}

// ServeHTTP serves a request through the server's middleware and routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Handle registers h for pattern (a [http.ServeMux] pattern), behind the
// server's middleware.
func (s *Server) Handle(pattern string, h http.Handler) { s.handle(pattern, h) }

func (s *Server) handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := infoOf(w); info != nil {
			info.pattern = r.Pattern
		}
		h.ServeHTTP(w, r)
	}))
}

// Page registers a page at path, a [http.ServeMux] path pattern without a
// method such as "/invoices/{id}". GET and HEAD render it; POST runs the
// action named by the form and renders it again with the result. Other
// methods get 405 with an Allow header. As with [http.ServeMux], "/"
// matches every path; the home page alone is "/{$}".
func (s *Server) Page(path string, render PageFunc) {
	if strings.ContainsAny(path, " \t") || !strings.HasPrefix(path, "/") {
		panic(fmt.Sprintf("server: Page(%q): want a path pattern such as /invoices/{id}", path))
	}
	s.handle("GET "+path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderPage(w, r, render, s.takeFlash(w, r), http.StatusOK)
	}))
	s.handle("POST "+path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.respond(w, r, s.invoke(w, r, ""), render)
	}))
}

func (s *Server) serveAction(w http.ResponseWriter, r *http.Request) {
	s.respond(w, r, s.invoke(w, r, r.PathValue("id")), nil)
}

// invoke runs the action and notes it for the request's log line.
func (s *Server) invoke(w http.ResponseWriter, r *http.Request, id string) *actions.Result {
	res := s.cfg.Actions.Invoke(w, r, id)
	if info := infoOf(w); info != nil {
		info.action = res.Action
		info.outcome = outcome(res)
		info.err = res.Err
		info.digest = res.Digest
	}
	if res.Digest != "" && s.cfg.Dev {
		res.Error = detail(res.Err)
	}
	return res
}

func outcome(res *actions.Result) string {
	if res.Status == actions.StatusFailed {
		return res.Kind.String()
	}
	return string(res.Status)
}

// protect refuses unsafe cross-origin requests, Origin: null included.
func (s *Server) protect(next http.Handler) http.Handler {
	checked := s.cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if r.Header.Get("Origin") == "null" {
				s.denyCrossOrigin(w, r)
				return
			}
		}
		checked.ServeHTTP(w, r)
	})
}

func (s *Server) denyCrossOrigin(w http.ResponseWriter, r *http.Request) {
	if info := infoOf(w); info != nil {
		info.outcome = "cross_origin"
	}
	res := &actions.Result{Status: actions.StatusFailed, Kind: actions.KindForbidden, Error: "Cross-origin request refused."}
	s.respond(w, r, res, nil)
}

// authenticate puts the request's principal in its context.
func (s *Server) authenticate(next http.Handler) http.Handler {
	if s.cfg.Authenticate == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.cfg.Authenticate(r)
		if err != nil {
			s.fail(w, r, fmt.Errorf("authenticate: %w", err))
			return
		}
		if p != nil {
			r = r.WithContext(actions.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}
