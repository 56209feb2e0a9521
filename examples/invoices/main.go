// Command invoices runs formwork's demo: an invoices dashboard on SQLite.
//
//	go run ./examples/invoices            # http://127.0.0.1:8080
//	go run ./examples/invoices -dev -htmx 4
//
// Every flag has an environment fallback: ADDR, DB_PATH, SECRET, DEV and
// HTMX. The request log goes to standard error in batches (-log-flush). The secret, when unset, is generated once and kept next to the
// database, so sessions and forms survive restarts.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/formwork-dev/formwork/examples/invoices/app"
	"github.com/formwork-dev/formwork/server"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "invoices:", err)
		os.Exit(1)
	}
}

func env(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return fallback
}

func run() error {
	setGCPolicy()
	addr := flag.String("addr", env("ADDR", "127.0.0.1:8080"), "address to listen on (ADDR)")
	dbPath := flag.String("db", env("DB_PATH", filepath.Join("data", "invoices.db")), "SQLite database file (DB_PATH)")
	secret := flag.String("secret", env("SECRET", ""), "app secret, at least 32 bytes; generated next to the database when empty (SECRET)")
	dev := flag.Bool("dev", env("DEV", "") == "1" || env("DEV", "") == "true", "development mode: show errors in full (DEV)")
	htmx := flag.String("htmx", env("HTMX", "2"), `htmx version the pages load: "2" or "4" (HTMX)`)
	logFlush := flag.Duration("log-flush", 200*time.Millisecond, "how often buffered log lines are written out; 0 writes each line at once")
	signInLimits := flag.Bool("sign-in-limits", env("SIGN_IN_LIMITS", "true") != "false", "limit wrong passwords per email and tries per address (SIGN_IN_LIMITS); off only for load tests")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var log *slog.Logger
	if *logFlush > 0 {
		buf := newLogBuffer(os.Stderr, 64<<10, *logFlush)
		defer buf.Close()
		log = slog.New(flushOnError{slog.NewTextHandler(buf, nil), buf})
	} else {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}

	db, err := app.OpenDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	key, err := loadSecret(*secret, filepath.Join(filepath.Dir(*dbPath), "secret"))
	if err != nil {
		return err
	}
	a, err := app.New(app.Config{DB: db, Secret: key, Dev: *dev, HTMX: *htmx, Logger: log, NoSignInLimits: !*signInLimits})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Printf(`
  formwork invoices demo: http://%s
  database: %s

  sign in as  %s / %s  (admin)
          or  %s / %s  (member)

`, ln.Addr(), *dbPath, app.AdminEmail, app.AdminPassword, app.MemberEmail, app.MemberPassword)
	err = server.Run(ctx, server.NewHTTPServer(*addr, a.Handler()), ln)
	log.Info("stopped")
	return err
}

// loadSecret returns the configured secret, or the one kept at path,
// generating it on first use.
func loadSecret(configured, path string) ([]byte, error) {
	if configured != "" {
		if len(configured) < 32 {
			return nil, errors.New("the secret must be at least 32 bytes")
		}
		return []byte(configured), nil
	}
	b, err := os.ReadFile(path)
	if err == nil {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	s := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("keep the generated secret: %w", err)
	}
	return []byte(s), nil
}
