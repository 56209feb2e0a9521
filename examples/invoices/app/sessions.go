package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"

	"github.com/formwork-dev/formwork/actions"
)

// A session lives on the server (alexedwards/scs); its cookie holds only a
// random token. It ends after sessionIdle without a request, and
// sessionLifetime after it began, whatever its use.
const (
	sessionCookie   = "session"
	sessionIdle     = 2 * time.Hour
	sessionLifetime = 12 * time.Hour
	// keyUserID is the session's signed-in user; keyEpoch is that user's
	// session epoch at sign-in (see User.sessionEpoch).
	keyUserID = "user_id"
	keyEpoch  = "epoch"
)

// errNoSession is the error of a sign-in or sign-out whose context carries
// no session: a direct call from Go, or a handler mounted without
// [App.withSessions].
var errNoSession = errors.New("app: no session in the context")

// newSessions returns the session manager over Config.Sessions, or over
// Config.DB's sessions table, and what stops its work in the background.
// The cookie is HttpOnly and SameSite=Lax; [App.secureCookies] makes it
// Secure.
func newSessions(cfg Config) (*scs.SessionManager, func()) {
	sm := scs.New()
	sm.IdleTimeout = sessionIdle
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = sessionCookie
	if cfg.Sessions != nil {
		sm.Store = savedOnly{cfg.Sessions}
		return sm, func() {}
	}
	store := sqlite3store.New(cfg.DB) // deletes expired sessions every 5 minutes
	sm.Store = savedOnly{store}
	return sm, store.StopCleanup
}

// savedOnly is a store that is not asked to delete a session never saved
// (no token): scs's Destroy asks, and a sign-out from a session already
// ended would cost a write for nothing.
type savedOnly struct{ scs.Store }

func (s savedOnly) Delete(token string) error {
	if token == "" {
		return nil
	}
	return s.Store.Delete(token)
}

// Close stops the app's work in the background. It leaves Config.DB and
// Config.Sessions open.
func (a *App) Close() { a.closing.Do(a.close) }

// sessionState tells whether a request's session is loaded into its
// context ([App.withSessions] leaves the assets without one), or why it
// failed to load.
type sessionState struct {
	loaded bool
	err    error
}

type sessionStateKey struct{}

func sessionStateFrom(ctx context.Context) *sessionState {
	st, _ := ctx.Value(sessionStateKey{}).(*sessionState)
	return st
}

func hasSession(ctx context.Context) bool {
	st := sessionStateFrom(ctx)
	return st != nil && st.loaded
}

// withSessions loads each request's session into its context and saves it
// as the response leaves (scs's LoadAndSave), but for the assets: they
// answer the same to everyone, and a cookie or Vary: Cookie on them would
// keep caches from sharing them. A session that fails to load is
// [App.authenticate]'s error, which the server answers as an internal
// error where the user looks; one that fails to save is logged, and the
// response leaves without the session's cookie.
func (a *App) withSessions(next http.Handler) http.Handler {
	log := a.cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	a.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		st := sessionStateFrom(r.Context())
		if st.loaded {
			log.ErrorContext(r.Context(), "save the session", "err", err)
			return
		}
		st.err = err
		next.ServeHTTP(w, r)
	}
	loaded := a.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sessionStateFrom(r.Context()).loaded = true
		next.ServeHTTP(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAsset(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		loaded.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionStateKey{}, &sessionState{})))
	})
}

func isAsset(path string) bool {
	return strings.HasPrefix(path, "/static/") || strings.HasPrefix(path, "/assets/") || path == "/favicon.ico"
}

// startSession signs u in: the session gets a new token, so that one fixed
// before sign-in is worth nothing, and holds u with u's session epoch.
func (a *App) startSession(ctx context.Context, u *User) error {
	if !hasSession(ctx) {
		return errNoSession
	}
	if err := a.sessions.RenewToken(ctx); err != nil {
		return err
	}
	a.sessions.Put(ctx, keyUserID, u.ID)
	a.sessions.Put(ctx, keyEpoch, u.sessionEpoch)
	return nil
}

// keepSession keeps the current session signed in after its user's
// session epoch moved on to epoch, which ended every other session of the
// user; it gets a new token too, so that a copy of its cookie ends as well.
func (a *App) keepSession(ctx context.Context, epoch int64) error {
	if !hasSession(ctx) {
		return errNoSession
	}
	if err := a.sessions.RenewToken(ctx); err != nil {
		return err
	}
	a.sessions.Put(ctx, keyEpoch, epoch)
	return nil
}

// endSession deletes the session from the store, and its cookie.
func (a *App) endSession(ctx context.Context) error {
	if !hasSession(ctx) {
		return errNoSession
	}
	return a.sessions.Destroy(ctx)
}

// authenticate returns the signed-in user of r's session, or nil: nobody
// for a session that never signed in, whose user is gone, or whose epoch a
// password change has left behind.
func (a *App) authenticate(r *http.Request) (actions.Principal, error) {
	ctx := r.Context()
	if st := sessionStateFrom(ctx); st != nil && st.err != nil {
		return nil, fmt.Errorf("load the session: %w", st.err)
	}
	if !hasSession(ctx) {
		return nil, nil
	}
	id := a.sessions.GetInt64(ctx, keyUserID)
	if id == 0 {
		return nil, nil
	}
	u, err := a.store.UserByID(ctx, id)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if a.sessions.GetInt64(ctx, keyEpoch) != u.sessionEpoch {
		return nil, nil
	}
	return u, nil
}
