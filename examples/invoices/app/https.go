package app

import (
	"net/http"
	"net/netip"
	"strings"
)

// isHTTPS reports whether r reached the user over https: over TLS to this
// server, or through a proxy in front of it that Config.HTTPS declares, or
// that says X-Forwarded-Proto: https from an address in
// Config.TrustedProxies. Anyone else's X-Forwarded-Proto is ignored.
func (a *App) isHTTPS(r *http.Request) bool {
	if r.TLS != nil || a.cfg.HTTPS {
		return true
	}
	if len(a.cfg.TrustedProxies) == 0 || !strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https") {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	for _, p := range a.cfg.TrustedProxies {
		if p.Contains(ap.Addr().Unmap()) {
			return true
		}
	}
	return false
}

// secureCookies marks every cookie that a response to an https request
// sets Secure, whichever layer set it: the session's (scs), formwork's
// flash, the demo's own.
func (a *App) secureCookies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.isHTTPS(r) {
			next.ServeHTTP(w, r)
			return
		}
		sw := &secureWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		sw.secure() // a response that wrote nothing leaves with its headers now
	})
}

// secureWriter adds Secure to the cookies of the response's headers as
// they leave.
type secureWriter struct {
	http.ResponseWriter
	sent bool
}

func (w *secureWriter) secure() {
	if w.sent {
		return
	}
	cookies := w.Header()["Set-Cookie"]
	for i, c := range cookies {
		if !hasSecure(c) {
			cookies[i] = c + "; Secure"
		}
	}
}

func hasSecure(setCookie string) bool {
	for _, attr := range strings.Split(setCookie, ";")[1:] {
		if strings.EqualFold(strings.TrimSpace(attr), "Secure") {
			return true
		}
	}
	return false
}

func (w *secureWriter) WriteHeader(status int) {
	w.secure()
	w.sent = w.sent || status >= 200 // an informational answer leaves more headers to come
	w.ResponseWriter.WriteHeader(status)
}

func (w *secureWriter) Write(b []byte) (int, error) {
	w.secure()
	w.sent = true
	return w.ResponseWriter.Write(b)
}

// FlushError sends the headers, as they must leave, and what was written.
func (w *secureWriter) FlushError() error {
	w.secure()
	w.sent = true
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *secureWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
