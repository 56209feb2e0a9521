package server

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// writeJSON writes v as JSON with status, once it has been encoded whole.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		s.fail(w, r, fmt.Errorf("encode JSON: %w", err))
		return
	}
	w.Header()["Content-Type"] = headerJSON
	writeBuffered(w, status, buf)
}
