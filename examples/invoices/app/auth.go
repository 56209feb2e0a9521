package app

import (
	"context"
	"net/http"
	"net/url"

	"github.com/formwork-dev/formwork/actions"
)

// signInAgainCookie tells the login page that a form was just refused for
// want of a session.
const signInAgainCookie = "signin_again"

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
		next.ServeHTTP(&refusalWriter{ResponseWriter: w}, r)
	})
}

// refusalWriter looks at the response's headers as they leave.
type refusalWriter struct {
	http.ResponseWriter
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
				HttpOnly: true, SameSite: http.SameSiteLaxMode})
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
		SameSite: http.SameSiteLaxMode})
	return true
}
