// Command bare is the baseline of the load benchmark: a plain net/http
// server that does what the demo's two measured requests need and no more.
// POST /login parses the login form and answers with the bytes the demo's
// invalid login gets, read from a file; POST / parses the sign-out form,
// reads the session cookie and answers the demo's 303 with the same
// headers. GET /api/changelog.json answers the demo's public feed, the
// same bytes and headers, from memory.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"strconv"
)

// flash stands for the demo's sealed flash cookie, at its length.
const flash = "GZJ3lV0x2d9kqTn0Rr8yq1Vd7m2cQ6vZbXhN4sLpYtWfKeA5uEo0iCgH3jMaDwB"

func main() {
	addr := flag.String("addr", "127.0.0.1:8091", "address")
	bodyFile := flag.String("body", "", "file with the response body")
	changelogFile := flag.String("changelog", "", "file with the changelog feed")
	etag := flag.String("changelog-etag", "", "the changelog feed's ETag")
	flag.Parse()
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		log.Fatal(err)
	}
	changelog, err := os.ReadFile(*changelogFile)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("GET /api/changelog.json", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Vary", "Origin") // the demo's CORS
		h.Set("Cache-Control", "public, max-age=0, s-maxage=60, stale-while-revalidate=300")
		h.Set("X-Cache", "HIT") // served from the demo's cache
		h.Set("Age", "0")
		h.Set("Etag", *etag)
		if r.Header.Get("If-None-Match") == *etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(changelog)))
		w.Write(changelog)
	})
	http.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		if err := r.ParseForm(); err != nil || r.PostForm.Get("email") == "" {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write(body)
	})
	http.HandleFunc("POST /{$}", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		if _, err := r.Cookie("session"); err != nil {
			http.Error(w, "not signed in", http.StatusUnauthorized)
			return
		}
		if err := r.ParseForm(); err != nil || r.PostForm.Get("_action") == "" {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Vary", "HX-Request, Accept")
		http.SetCookie(w, &http.Cookie{Name: "session", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		// The demo's "You are signed out." flash: a sealed value of this length.
		http.SetCookie(w, &http.Cookie{Name: "fw_flash", Value: flash, Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		w.Header().Set("Location", "/login")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusSeeOther)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
