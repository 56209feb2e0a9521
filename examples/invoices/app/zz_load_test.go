package app_test

import (
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"

	"github.com/formwork-dev/formwork/examples/invoices/app"
)

func TestZZLoadProfile(t *testing.T) {
	db, _ := app.OpenDB(t.Context(), filepath.Join(t.TempDir(), "x.db"))
	logf, _ := os.Create("/tmp/zz-access.log")
	a, _ := app.New(app.Config{DB: db, Secret: []byte(strings.Repeat("s", 32)), Logger: slog.New(slog.NewTextHandler(logf, nil))})
	ts := httptest.NewServer(a.Handler())
	defer ts.Close()
	h, _ := a.Registry().ByName("auth.login")
	sealed, _ := h.Seal(url.Values{"next": {""}})
	body := url.Values{"_action": {h.ID()}, "_bound": {sealed}, "email": {"not-an-email"}, "password": {"x"}}.Encode()
	os.WriteFile("/tmp/zz.lua", []byte(`wrk.method="POST"
wrk.body="`+body+`"
wrk.headers["Content-Type"]="application/x-www-form-urlencoded"`), 0o644)
	f, _ := os.Create("/tmp/zz-cpu.out")
	pprof.StartCPUProfile(f)
	out, err := exec.Command("wrk", "-t2", "-c32", "-d5s", "-s", "/tmp/zz.lua", ts.URL+"/login").CombinedOutput()
	pprof.StopCPUProfile()
	t.Logf("%s %v", out, err)
}
