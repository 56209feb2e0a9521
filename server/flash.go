package server

import (
	"net/http"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/keyring"
)

const flashCookie = "fw_flash"

// setFlash sets a one-time message, sealed so that nobody else can plant
// words on our pages.
func (s *Server) setFlash(w http.ResponseWriter, r *http.Request, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: s.cfg.Keys.Seal(keyring.PurposeFlash, []byte(msg), nil),
		Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
}

// takeFlash reads and clears the flash, as a message-only result.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) *actions.Result {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	msg, err := s.cfg.Keys.Open(keyring.PurposeFlash, c.Value, nil)
	if err != nil {
		return nil
	}
	w.Header()["Cache-Control"] = headerNoStore
	return &actions.Result{Status: actions.StatusOK, Message: string(msg)}
}
