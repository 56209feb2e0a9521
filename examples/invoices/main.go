// Command invoices runs formwork's demo: an invoices dashboard on SQLite.
//
//	go run ./examples/invoices            # http://127.0.0.1:8080
//	go run ./examples/invoices -dev -htmx 4
//
// Every flag has an environment fallback: ADDR, DB_PATH, SECRET, DEV, HTMX,
// SESSIONS, REDIS_URL, POSTGRES_URL, HTTPS, TRUSTED_PROXY,
// STRIPE_WEBHOOK_SECRET, SIGN_IN_LIMITS and NO_CACHE. The request
// log goes to standard error in batches (-log-flush). The secret, when
// unset, is generated once and kept next to the database, so that forms
// survive restarts.
//
// One instance keeps everything in its process and its SQLite file.
// Several instances on one database act as one app with a Redis server,
// which then keeps the cache, the sessions, the one-time form tokens and
// the sign-in limits (sessions may live in PostgreSQL instead):
//
//	go run ./examples/invoices -addr 127.0.0.1:8080 -redis-url redis://127.0.0.1:6379/0
//	go run ./examples/invoices -addr 127.0.0.1:8081 -redis-url redis://127.0.0.1:6379/0
//	go run ./examples/invoices -sessions postgres -postgres-url postgres://invoices@127.0.0.1:5432/invoices
//
// Behind a proxy that serves https, -https makes every cookie Secure;
// -trusted-proxy 127.0.0.1 believes that proxy's X-Forwarded-Proto instead.
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
	"net/netip"
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

// options are the command's flags.
type options struct {
	addr, dbPath, secret, htmx      string
	stripeSecret                    string
	dev, signInLimits, noCache      bool
	logFlush                        time.Duration
	sessions, redisURL, postgresURL string
	https                           bool
	trustedProxies                  []netip.Prefix
}

func parseFlags() (options, error) {
	var o options
	flag.StringVar(&o.addr, "addr", env("ADDR", "127.0.0.1:8080"), "address to listen on (ADDR)")
	flag.StringVar(&o.dbPath, "db", env("DB_PATH", filepath.Join("data", "invoices.db")), "SQLite database file (DB_PATH)")
	flag.StringVar(&o.secret, "secret", env("SECRET", ""), "app secret, at least 32 bytes; generated next to the database when empty (SECRET)")
	flag.BoolVar(&o.dev, "dev", env("DEV", "") == "1" || env("DEV", "") == "true", "development mode: show errors in full (DEV)")
	flag.StringVar(&o.htmx, "htmx", env("HTMX", "2"), `htmx version the pages load: "2" or "4" (HTMX)`)
	flag.DurationVar(&o.logFlush, "log-flush", 200*time.Millisecond, "how often buffered log lines are written out; 0 writes each line at once")
	flag.BoolVar(&o.noCache, "no-cache", env("NO_CACHE", "") == "true", "read every list from the database, to measure what the cache gains (NO_CACHE)")
	flag.BoolVar(&o.signInLimits, "sign-in-limits", env("SIGN_IN_LIMITS", "true") != "false", "limit wrong passwords per email and tries per address (SIGN_IN_LIMITS); off only for load tests")
	flag.StringVar(&o.redisURL, "redis-url", env("REDIS_URL", ""), "a Redis server, such as redis://127.0.0.1:6379/0, that keeps what several instances share: the cache, the sessions, the one-time form tokens and the sign-in limits (REDIS_URL)")
	flag.StringVar(&o.sessions, "sessions", env("SESSIONS", ""), `where sessions are kept: "sqlite" (the database), "redis" (needs -redis-url) or "postgres"; the default is redis with -redis-url, sqlite without (SESSIONS)`)
	flag.StringVar(&o.postgresURL, "postgres-url", env("POSTGRES_URL", ""), "PostgreSQL database of -sessions postgres, such as postgres://invoices@127.0.0.1:5432/invoices (POSTGRES_URL)")
	flag.BoolVar(&o.https, "https", env("HTTPS", "") == "1" || env("HTTPS", "") == "true", "users reach the app over https through a proxy: cookies are Secure (HTTPS)")
	flag.StringVar(&o.stripeSecret, "stripe-secret", env("STRIPE_WEBHOOK_SECRET", app.DevStripeSecret), "signing secret of Stripe's webhook deliveries to /api/webhooks/stripe, whsec_… (STRIPE_WEBHOOK_SECRET)")
	proxies := flag.String("trusted-proxy", env("TRUSTED_PROXY", ""), "comma-separated addresses or prefixes of proxies whose X-Forwarded-Proto is believed (TRUSTED_PROXY)")
	flag.Parse()
	var err error
	o.trustedProxies, err = parsePrefixes(*proxies)
	switch {
	case o.sessions == "" && o.redisURL != "":
		o.sessions = "redis"
	case o.sessions == "":
		o.sessions = "sqlite"
	case o.sessions == "redis" && o.redisURL == "":
		return o, errors.New("-sessions redis needs -redis-url (REDIS_URL)")
	}
	return o, err
}

func run() error {
	setGCPolicy()
	o, err := parseFlags()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log, closeLog := newLogger(o.logFlush)
	defer closeLog()

	db, err := app.OpenDB(ctx, o.dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	key, err := loadSecret(o.secret, filepath.Join(filepath.Dir(o.dbPath), "secret"))
	if err != nil {
		return err
	}
	cfg := app.Config{DB: db, Secret: key, Dev: o.dev, HTMX: o.htmx, Logger: log, NoSignInLimits: !o.signInLimits,
		HTTPS: o.https, TrustedProxies: o.trustedProxies, StripeSecret: o.stripeSecret, NoCache: o.noCache}
	if o.redisURL != "" { // several instances act as one app
		closeRedis, err := app.OnRedis(ctx, &cfg, o.redisURL)
		if err != nil {
			return err
		}
		defer closeRedis()
	}
	if o.sessions != "redis" {
		sessions, closeSessions, err := openSessions(ctx, o)
		if err != nil {
			return err
		}
		defer closeSessions()
		cfg.Sessions = sessions
	}
	a, err := app.New(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	fmt.Printf(`
  formwork invoices demo: http://%s
  database: %s, sessions: %s

  sign in as  %s / %s  (admin)
          or  %s / %s  (member)
  API:        http://%[1]s/api/invoices, with the token on /profile
  Stripe:     POST http://%[1]s/api/webhooks/stripe, %[8]s

`, ln.Addr(), o.dbPath, o.sessions, app.AdminEmail, app.AdminPassword, app.MemberEmail, app.MemberPassword, stripeSecretNote(o.stripeSecret))
	err = server.Run(ctx, server.NewHTTPServer(o.addr, a.Handler()), ln)
	log.Info("stopped")
	return err
}

// stripeSecretNote says which Stripe signing secret is in use: the dev
// default in full, so that the Stripe CLI can sign with it; a configured
// one never.
func stripeSecretNote(secret string) string {
	if secret == app.DevStripeSecret {
		return "signed with the dev default " + secret + " (set -stripe-secret or STRIPE_WEBHOOK_SECRET)"
	}
	return "signed with the configured secret"
}

// newLogger returns the request log on standard error, in slog's text
// format (see logfmt), buffered unless flush is 0, and what flushes it at
// the end.
func newLogger(flush time.Duration) (*slog.Logger, func()) {
	if flush <= 0 {
		return slog.New(newLogfmt(os.Stderr, slog.LevelInfo)), func() {}
	}
	buf := newLogBuffer(os.Stderr, 64<<10, flush)
	return slog.New(flushOnError{newLogfmt(buf, slog.LevelInfo), buf}), func() { buf.Close() }
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
