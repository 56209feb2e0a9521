package app

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/keyring"
)

const (
	sessionCookie = "session"
	sessionLife   = 12 * time.Hour
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
