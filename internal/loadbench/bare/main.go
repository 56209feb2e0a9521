// Command bare is the baseline of the load benchmark: a plain net/http
// server that parses the same login form as the demo and answers with the
// same bytes the demo's invalid login gets, read from a file.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8091", "address")
	bodyFile := flag.String("body", "", "file with the response body")
	flag.Parse()
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		log.Fatal(err)
	}
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
	log.Fatal(http.ListenAndServe(*addr, nil))
}
