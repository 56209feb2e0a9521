package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/sync/semaphore"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/keyring"
)

// Config configures a [Server].
type Config struct {
	// Actions holds the app's actions. Required.
	Actions *actions.Registry
	// Keys seals the one-time flash message. Nil means the registry's key
	// ring ([actions.Registry.Keys]).
	Keys *keyring.Ring
	// Logger receives one line per request. Nil means slog.Default().
	Logger *slog.Logger
	// Dev shows internal errors in full, on pages and to JSON callers of
	// actions; production shows generic words and a digest.
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
	// PageHeaders are the headers every page and error page carries, unless
	// the page sets its own. Nil means [DefaultPageHeaders]; an empty,
	// non-nil Header sends none.
	PageHeaders http.Header
	// BodyBudget bounds the memory that the bodies of action calls, and
	// of requests to a [Route], hold in flight across the server: a call
	// is charged 64 KB before its
	// body is read (its connection and parsing), then twice the bytes as
	// they are read (parsing holds a body twice), so that a slow body holds
	// only what it sent. 0 means 64 MB; a negative budget means none.
	BodyBudget int64
	// BodyWait is how long a call waits for a charge of BodyBudget before
	// it is answered 503 with Retry-After, its action never run; at most
	// 128 calls wait at once, the others answered 503 straight away. 0
	// means one second.
	BodyWait time.Duration
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
// a redirect-back with a flash). It may set headers and cookies on w: they
// leave with whatever response does. Returning an error of kind
// [actions.KindNotFound] answers 404.
type PageFunc func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error)

// Server holds what pages, the action endpoint and the middleware share:
// the actions, the key ring, the logger and the response policy. Create
// one with [New]. A Server is itself an [http.Handler] that routes the
// pages registered with [Server.Page] and the action endpoint behind all
// of its middleware; its handlers and middleware also mount one by one in
// any router.
type Server struct {
	cfg       Config
	log       *slog.Logger
	mux       *http.ServeMux
	cop       *http.CrossOriginProtection
	redirects map[string]bool
	handler   http.Handler
	budget    *semaphore.Weighted // nil for no BodyBudget
	waiting   atomic.Int64        // calls waiting for their first charge
	// pageHeaders are Config.PageHeaders or the defaults, each value's
	// slice shared by every response.
	pageHeaders http.Header
	routes      sync.Map // the patterns of Routes mounted with Handle
	// catchAll is the handler of Handle("/", h): what no other pattern
	// matches. Nil means the server's own 404 and 405 (see unmatched).
	catchAll atomic.Pointer[http.Handler]
}

// ActionsPath is the prefix of the action endpoint, POST /_actions/{id}.
const ActionsPath = "/_actions/"

// New returns a server for cfg, or an error that says what in cfg is wrong.
func New(cfg Config) (*Server, error) {
	if cfg.Actions == nil {
		return nil, errors.New("server: Config.Actions is nil")
	}
	if cfg.Keys == nil {
		cfg.Keys = cfg.Actions.Keys()
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
	s.setPageHeaders()
	if err := s.setBudget(); err != nil {
		return nil, err
	}
	s.mux.Handle("POST "+ActionsPath+"{id}", s.ActionHandler())
	s.mux.Handle("/", http.HandlerFunc(s.unmatched))
	s.handler = s.Middleware(s.mux)
	return s, nil
}

// Middleware wraps h in all of the server's middleware, outermost first:
// [Server.LogRequests], [Server.RecoverPanics], [Server.CrossOrigin] and
// [Server.Authenticate]. Cross-origin requests are refused before
// authentication runs.
func (s *Server) Middleware(h http.Handler) http.Handler {
	return s.LogRequests(s.RecoverPanics(s.CrossOrigin(s.Authenticate(h))))
}

// ServeHTTP serves a request through the server's middleware and routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Handle registers h for pattern (a [http.ServeMux] pattern), behind the
// server's middleware. The pattern "/" sets the handler of every request
// that no other pattern matches; without one, the server answers those
// itself: 405 with Allow for a path it serves with other methods, 404 for
// the rest, each as its error page (Config.ErrorPage) or, for a caller
// that asks for JSON, a [Problem].
func (s *Server) Handle(pattern string, h http.Handler) {
	if _, ok := h.(*Route); ok {
		s.routes.Store(pattern, true) // see CrossOrigin
	}
	if pattern == "/" {
		s.catchAll.Store(&h)
		return
	}
	if rt, ok := h.(*Route); ok {
		s.mux.Handle(pattern, rt) // it notes its route itself
		return
	}
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noteRoute(w, r)
		h.ServeHTTP(w, r)
	}))
}

// Page registers a page at path, a [http.ServeMux] path pattern without a
// method such as "/invoices/{id}", behind the server's middleware; see
// [Server.PageHandler]. As with [http.ServeMux], "/" matches every path;
// the home page alone is "/{$}".
func (s *Server) Page(path string, render PageFunc) {
	if strings.ContainsAny(path, " \t") || !strings.HasPrefix(path, "/") {
		panic(fmt.Sprintf("server: Page(%q): want a path pattern such as /invoices/{id}", path))
	}
	h := s.PageHandler(render)
	s.mux.Handle("GET "+path, h) // GET patterns match HEAD too
	s.mux.Handle("POST "+path, h)
}

// PageHandler returns the handler of a page: GET and HEAD render it, POST
// runs the action its form names and renders it again with the result, and
// other methods get 405 with an Allow header. It mounts in any router; wrap
// it in [Server.Middleware] (or the pieces of it you want) there. Like
// ActionHandler, it refuses a cross-origin POST itself, so that no action
// runs unprotected when the middleware is left out.
func (s *Server) PageHandler(render PageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noteRoute(w, r)
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			s.renderPage(w, r, render, s.takeFlash(w, r), http.StatusOK)
		case http.MethodPost:
			if err := s.CheckCrossOrigin(r); err != nil {
				s.denyCrossOrigin(w, r, err) // mounted without the middleware, still protected
				return
			}
			s.respond(w, r, s.invoke(w, r, ""), render)
		default:
			methodNotAllowed(w, "GET, HEAD, POST")
		}
	})
}

// ActionHandler returns the handler of the action endpoint, for callers
// that are not a page: POST runs the action whose ID is the path value
// "id", and other methods get 405. The server mounts it at
// [ActionsPath]{id}; it mounts in any router that sets path values
// (http.ServeMux, chi) under a pattern with an {id} wildcard.
//
// With no page to render, a caller gets the error page (htmx a fragment
// of it) where a page would have shown the result, and a plain browser is
// sent back after success to the same-origin page it came from (its
// Referer), or to "/".
func (s *Server) ActionHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noteRoute(w, r)
		if r.Method != http.MethodPost {
			methodNotAllowed(w, "POST")
			return
		}
		if err := s.CheckCrossOrigin(r); err != nil {
			s.denyCrossOrigin(w, r, err) // mounted without the middleware, still protected
			return
		}
		s.respond(w, r, s.invoke(w, r, r.PathValue("id")), nil)
	})
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
}

// invoke runs the action within the body budget, and notes it for the
// request's log line.
func (s *Server) invoke(w http.ResponseWriter, r *http.Request, id string) *actions.Result {
	var res *actions.Result
	if release, err := s.chargeBody(r); err != nil {
		res = actions.ErrorResult(err)
		res.ID = id
	} else {
		defer release()
		res = s.reveal(s.cfg.Actions.Invoke(w, r, id))
	}
	s.note(w, res)
	return res
}
