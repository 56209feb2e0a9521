package app_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/formwork-dev/formwork/examples/invoices/app"
)

// BenchmarkInvalidLogin is the demo's no-JS invalid login in-process: 422
// and the whole page, with access logging on (to a discarding writer), the
// sign-in limits off.
func BenchmarkInvalidLogin(b *testing.B) {
	db, err := app.OpenDB(b.Context(), filepath.Join(b.TempDir(), "invoices.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	a, err := app.New(app.Config{DB: db, Secret: []byte(strings.Repeat("s", 32)), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		NoSignInLimits: true}) // every request comes from one address
	if err != nil {
		b.Fatal(err)
	}
	h, _ := a.Registry().ByName("auth.login")
	sealed, _ := h.Seal(url.Values{"next": {""}})
	body := url.Values{"_action": {h.ID()}, "_bound": {sealed}, "email": {"not-an-email"}, "password": {"x"}}.Encode()
	handler := a.Handler()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		if w.Code != http.StatusUnprocessableEntity {
			b.Fatalf("status %d", w.Code)
		}
	}
}
