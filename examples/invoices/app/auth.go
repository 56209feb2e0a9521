package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/keyring"
)

const (
	sessionCookie = "session"
	sessionLife   = 12 * time.Hour
	// signInAgainCookie tells the login page that a form was just refused
	// for want of a session.
	signInAgainCookie = "signin_again"
	// purposeSession is the key ring purpose of the session cookie.
	purposeSession keyring.Purpose = "session"
)

// sessionCookieFor seals the user ID and an expiry into an HttpOnly,
// SameSite=Lax cookie, Secure when served over TLS.
func (a *App) sessionCookieFor(r *http.Request, u *User) *http.Cookie {
	exp := time.Now().Add(sessionLife)
	v := a.keys.Seal(purposeSession, []byte(fmt.Sprintf("%d|%d", u.ID, exp.Unix())), nil)
	return &http.Cookie{Name: sessionCookie, Value: v, Path: "/", Expires: exp, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r != nil && r.TLS != nil}
}

func clearedSession(r *http.Request) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r != nil && r.TLS != nil}
}

// authenticate returns the user of a valid session cookie, or nil.
func (a *App) authenticate(r *http.Request) (actions.Principal, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, nil
	}
	raw, err := a.keys.Open(purposeSession, c.Value, nil)
	if err != nil {
		return nil, nil // tampered or from another secret: nobody
	}
	idStr, expStr, _ := strings.Cut(string(raw), "|")
	id, err1 := strconv.ParseInt(idStr, 10, 64)
	exp, err2 := strconv.ParseInt(expStr, 10, 64)
	if err1 != nil || err2 != nil || time.Now().Unix() > exp {
		return nil, nil
	}
	u, err := a.store.UserByID(r.Context(), id)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// userFrom returns the signed-in user of ctx, or nil.
func userFrom(ctx context.Context) *User {
	u, _ := actions.PrincipalFrom(ctx).(*User)
	return u
}

// markRefusedForms wraps the app's handler. When the server refuses a form
// for want of a session, it sends the caller to the login page with
// ?next= (a 303, or HX-Redirect for htmx); on that answer alone, never on a
// GET, this sets a short cookie that makes the login page say "Sign in
// again to continue." A signed-out visit to a page and a sign-out are sent
// to the login page too, but never by a refused form.
func markRefusedForms(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(&refusalWriter{ResponseWriter: w, r: r}, r)
	})
}

// refusalWriter looks at the response's headers as they leave.
type refusalWriter struct {
	http.ResponseWriter
	r           *http.Request
	wroteHeader bool
}

func (w *refusalWriter) WriteHeader(status int) {
	if !w.wroteHeader {
		w.wroteHeader = true
		h := w.Header()
		target := h.Get("HX-Redirect")
		if status == http.StatusSeeOther {
			target = h.Get("Location")
		}
		if isSignInAgain(target) {
			http.SetCookie(w.ResponseWriter, &http.Cookie{Name: signInAgainCookie, Value: "1", Path: "/login", MaxAge: 60,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: w.r.TLS != nil})
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *refusalWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *refusalWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// isSignInAgain reports whether target is the login page with a page to
// come back to, where the server sends a caller it refused.
func isSignInAgain(target string) bool {
	u, err := url.Parse(target)
	return err == nil && u.Host == "" && u.Path == "/login" && u.Query().Has("next")
}

// signInAgain reads, and clears, the mark of a form refused for want of a
// session.
func signInAgain(w http.ResponseWriter, r *http.Request) bool {
	if _, err := r.Cookie(signInAgainCookie); err != nil {
		return false
	}
	http.SetCookie(w, &http.Cookie{Name: signInAgainCookie, Path: "/login", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	return true
}
