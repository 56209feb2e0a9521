package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"
)

// The demo's log lines read as slog's TextHandler writes them, whatever
// the attributes: strings that need quotes, numbers, durations, errors,
// groups, and attributes given before.
func TestLogfmtWritesAsTextHandler(t *testing.T) {
	at := time.Date(2026, 11, 23, 19, 40, 1, 234567890, time.FixedZone("", 3600))
	records := []func(*slog.Logger){
		func(l *slog.Logger) {
			l.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("method", "GET"), slog.String("pattern", "/api/changelog.json"),
				slog.String("path", "/a b"), slog.Int("status", 200), slog.Duration("duration", 1234567*time.Nanosecond))
		},
		func(l *slog.Logger) {
			l.Error("route handler failed", "err", errors.New(`boom "quoted"=x`), "digest", "", "ok", true, "ratio", 0.25, "n", uint64(7))
		},
		func(l *slog.Logger) {
			l.With("app", "invoices").WithGroup("db").Warn("slow\nquery", "took", time.Second, "at", at)
		},
		func(l *slog.Logger) {
			l.Info("grouped", slog.Group("req", "id", 7, "path", "/x"), slog.Group("", "inline", "yes"))
		},
		func(l *slog.Logger) { l.Info("ünïcode", "name", "Ada Lovelace", "city", "Zürich", "bad", "\xff") },
	}
	for i, record := range records {
		var want, got bytes.Buffer
		text := slog.NewTextHandler(&want, nil)
		record(slog.New(fixedTime{text, at}))
		record(slog.New(fixedTime{newLogfmt(&got, slog.LevelInfo), at}))
		if got.String() != want.String() {
			t.Errorf("record %d:\n got %s\nwant %s", i, got.String(), want.String())
		}
	}
}

// fixedTime gives every record one time, so that two handlers' lines
// compare.
type fixedTime struct {
	slog.Handler
	at time.Time
}

func (h fixedTime) Handle(ctx context.Context, r slog.Record) error {
	r.Time = h.at
	return h.Handler.Handle(ctx, r)
}

func (h fixedTime) WithAttrs(attrs []slog.Attr) slog.Handler {
	return fixedTime{h.Handler.WithAttrs(attrs), h.at}
}

func (h fixedTime) WithGroup(name string) slog.Handler {
	return fixedTime{h.Handler.WithGroup(name), h.at}
}

func BenchmarkLogfmt(b *testing.B) {
	for name, h := range map[string]slog.Handler{"text": slog.NewTextHandler(discard{}, nil), "logfmt": newLogfmt(discard{}, slog.LevelInfo)} {
		l := slog.New(h)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("method", "GET"), slog.String("pattern", "/api/changelog.json"),
					slog.String("path", "/api/changelog.json"), slog.Int("status", 200), slog.Duration("duration", 123456*time.Nanosecond))
			}
		})
	}
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }
