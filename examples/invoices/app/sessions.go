package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
)

// A session lives on the server (alexedwards/scs); its cookie holds only a
// random token. It ends after sessionIdle without a request, and
// sessionLifetime after it began, whatever its use.
//
// The idle timeout is the app's, not scs's: scs would write the session
// back on every request to move its expiry on, which cost a signed-in page
// three quarters of its speed. The session notes when it was last seen
// instead, at most once every sessionTouch.
const (
	sessionCookie   = "session"
	sessionIdle     = 2 * time.Hour
	sessionLifetime = 12 * time.Hour
	sessionTouch    = time.Minute
	// keyUserID is the session's signed-in user; keyEpoch is that user's
	// session epoch at sign-in (see User.sessionEpoch); keySeen is when
	// the session was last seen, in Unix seconds, to sessionTouch.
	keyUserID = "user_id"
	keyEpoch  = "epoch"
	keySeen   = "seen"
)

// errNoSession is the error of a sign-in or sign-out whose context carries
// no session: a direct call from Go, or a handler mounted without
// [App.withSessions].
var errNoSession = errors.New("app: no session in the context")

// newSessions returns the session manager over Config.Sessions, or over
// Config.DB's sessions table, and what stops its work in the background.
// The cookie is HttpOnly and SameSite=Lax; [App.secureCookies] makes it
// Secure.
func newSessions(cfg Config) (*scs.SessionManager, func(), error) {
	sm := scs.New()
	sm.Lifetime = sessionLifetime // the idle timeout is the app's: see sessionTouch
	sm.Cookie.Name = sessionCookie
	if cfg.Sessions != nil {
		sm.Store = savedOnly{cfg.Sessions}
		return sm, func() {}, nil
	}
	find, err := cfg.DB.Read.Prepare(`SELECT data FROM sessions WHERE token = ? AND julianday('now') < expiry`)
	if err != nil {
		return nil, nil, err
	}
	write := sqlite3store.New(cfg.DB.Write) // deletes expired sessions every 5 minutes
	sm.Store = savedOnly{splitStore{Store: write, find: find}}
	return sm, write.StopCleanup, nil
}

// splitStore finds sessions with the database's readers, through a
// statement prepared once (every request finds its session), and writes
// them with its one writer (sqlite3store).
type splitStore struct {
	scs.Store // writes
	find      *sql.Stmt
}

// Find is sqlite3store's Find, on the readers.
func (s splitStore) Find(token string) ([]byte, bool, error) {
	var b []byte
	err := s.find.QueryRow(token).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, err
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
func (a *App) Close() {
	a.closing.Do(func() {
		a.close()
		a.cache.Close()
	})
}

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
		if isAsset(r.URL.Path) || withoutSession(r) {
			next.ServeHTTP(w, r)
			return
		}
		loaded.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionStateKey{}, &sessionState{})))
	})
}

// withoutSession reports whether r needs no session loaded: a read with
// no session cookie, which nothing signed in sent, and which starts no
// session (signing in is a POST). So an anonymous read, a bearer-token
// call and the public feed cost no session, and answers to them do not
// vary on the cookie.
func withoutSession(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	_, err := r.Cookie(sessionCookie)
	return err != nil
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
	a.sessions.Put(ctx, keySeen, a.now().Unix())
	return nil
}

// now is Config.Now, or time.Now.
func (a *App) now() time.Time {
	if a.cfg.Now != nil {
		return a.cfg.Now()
	}
	return time.Now()
}

// fresh reports whether the signed-in session of ctx has been seen within
// sessionIdle, and notes that it is seen now when the last note is older
// than sessionTouch; a session idle too long is ended.
func (a *App) fresh(ctx context.Context) (bool, error) {
	now := a.now()
	seen := time.Unix(a.sessions.GetInt64(ctx, keySeen), 0)
	switch {
	case now.Sub(seen) > sessionIdle:
		return false, a.sessions.Destroy(ctx)
	case now.Sub(seen) > sessionTouch:
		a.sessions.Put(ctx, keySeen, now.Unix())
	}
	return true, nil
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

// authenticate returns the user of r's API token, when it carries one
// (the mobile app), and otherwise the signed-in user of r's session, or
// nil: nobody for a token that is not a user's current one, a session that
// never signed in, whose user is gone, or whose epoch a password change
// has left behind. Both give the same principal to the same policies.
func (a *App) authenticate(r *http.Request) (actions.Principal, error) {
	ctx := r.Context()
	if token := server.BearerToken(r); token != "" {
		u, err := a.tokenUser(ctx, token) // a token decides alone: no session with it
		if u == nil {
			return nil, err
		}
		return u, nil
	}
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
	if ok, err := a.fresh(ctx); !ok || err != nil {
		return nil, err
	}
	return u, nil
}
