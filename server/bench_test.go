package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/go-playground/validator/v10"
	"github.com/gorilla/schema"

	"github.com/formwork-dev/formwork/actions"
	"github.com/formwork-dev/formwork/server"
	"github.com/formwork-dev/formwork/views"
)

// Order is the 8-field form of the round-trip benchmark.
type Order struct {
	Name    string `form:"name" validate:"required,max=80"`
	Email   string `form:"email" validate:"required,email"`
	Street  string `form:"street" validate:"required,max=120"`
	City    string `form:"city" validate:"required,max=80"`
	Zip     string `form:"zip" validate:"required,len=5,numeric"`
	Country string `form:"country" validate:"required,oneof=US CA MX"`
	Qty     int    `form:"qty" validate:"min=1,max=99"`
	Note    string `form:"note" validate:"max=500"`
}

func orderValues() url.Values {
	return url.Values{"name": {"Ann Lee"}, "email": {"ann@example.com"}, "street": {"1 Main St"}, "city": {"Springfield"},
		"zip": {"12345"}, "country": {"US"}, "qty": {"3"}, "note": {"Leave at the door, please."}}
}

var sink int

func place(ctx context.Context, in Order) (int, error) {
	sink += in.Qty // the trivial mutation
	return in.Qty, nil
}

// formworkOrders serves a page with the order form and its action.
func formworkOrders(b *testing.B) (http.Handler, string) {
	reg, err := actions.NewRegistry(actions.Config{Keys: testKeys()})
	if err != nil {
		b.Fatal(err)
	}
	order := actions.New("order.place", func(ctx context.Context, in Order) (int, error) {
		actions.Redirect(ctx, "/done")
		return place(ctx, in)
	}, actions.Public())
	if err := reg.Register(order); err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Config{Actions: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	fields := templ.Join(views.Input("name", "Name"), views.Input("email", "Email"), views.Input("street", "Street"),
		views.Input("city", "City"), views.Input("zip", "ZIP"), views.Input("country", "Country"),
		views.Input("qty", "Quantity"), views.TextArea("note", "Note"), views.Submit("Place order", "Placing…"))
	srv.Page("/order", func(w http.ResponseWriter, r *http.Request, res *actions.Result) (templ.Component, error) {
		return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
			io.WriteString(w, "<!DOCTYPE html><html><head><title>Order</title></head><body><main>")
			if err := views.Form(order, res, views.FormOptions{}).Render(templ.WithChildren(ctx, fields), w); err != nil {
				return err
			}
			_, err := io.WriteString(w, "</main></body></html>")
			return err
		}), nil
	})
	return srv, order.ID()
}

// handwritten is the same work in a plain net/http handler, with the same
// libraries: cap the body, parse, decode, validate, mutate, 303.
func handwritten() http.Handler {
	dec := schema.NewDecoder()
	dec.SetAliasTag("form")
	dec.IgnoreUnknownKeys(true)
	v := validator.New(validator.WithRequiredStructEnabled())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		var in Order
		if err := dec.Decode(&in, r.PostForm); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		if err := v.Struct(&in); err != nil {
			http.Error(w, "invalid", http.StatusUnprocessableEntity)
			return
		}
		if _, err := place(r.Context(), in); err != nil {
			http.Error(w, "failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, "/done", http.StatusSeeOther)
	})
}

func bench(b *testing.B, h http.Handler, body string, header http.Header, want int) {
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/order", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header[k] = v
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != want {
			b.Fatalf("status %d, want %d: %s", w.Code, want, w.Body)
		}
	}
}

// BenchmarkRoundTrip compares a full action round trip through formwork
// with a hand-written handler doing the same work. scripts/bench.sh prints
// the ratios.
func BenchmarkRoundTrip(b *testing.B) {
	fw, id := formworkOrders(b)
	ok := "_action=" + id + "&" + orderValues().Encode()
	bad := orderValues()
	bad.Set("email", "not-an-email")
	bad.Set("zip", "1234")
	invalid := "_action=" + id + "&" + bad.Encode()
	hx := http.Header{"Hx-Request": {"true"}, "Hx-Target": {"f-" + id}}

	b.Run("handwritten-303", func(b *testing.B) { bench(b, handwritten(), orderValues().Encode(), nil, 303) })
	b.Run("formwork-303", func(b *testing.B) { bench(b, fw, ok, nil, 303) })
	b.Run("handwritten-422", func(b *testing.B) { bench(b, handwritten(), bad.Encode(), nil, 422) })
	b.Run("formwork-422-page", func(b *testing.B) { bench(b, fw, invalid, nil, 422) })
	b.Run("formwork-422-htmx-fragment", func(b *testing.B) { bench(b, fw, invalid, hx, 422) })
}

// BenchmarkRoundTripRatio serves the same 8-field form through the
// hand-written handler and through formwork in alternation, request by
// request, so that both see the same machine load, and reports formwork's
// time and allocations as ratios of the hand-written handler's.
func BenchmarkRoundTripRatio(b *testing.B) {
	fw, id := formworkOrders(b)
	hw := handwritten()
	fwBody, hwBody := "_action="+id+"&"+orderValues().Encode(), orderValues().Encode()
	serve := func(h http.Handler, body string) {
		req := httptest.NewRequest("POST", "/order", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusSeeOther {
			b.Fatalf("status %d", w.Code)
		}
	}
	var tHW, tFW time.Duration
	for b.Loop() {
		t0 := time.Now()
		serve(hw, hwBody)
		t1 := time.Now()
		serve(fw, fwBody)
		tHW += t1.Sub(t0)
		tFW += time.Since(t1)
	}
	aHW := testing.AllocsPerRun(200, func() { serve(hw, hwBody) })
	aFW := testing.AllocsPerRun(200, func() { serve(fw, fwBody) })
	b.ReportMetric(float64(tHW.Nanoseconds())/float64(b.N), "handwritten-ns/op")
	b.ReportMetric(float64(tFW.Nanoseconds())/float64(b.N), "formwork-ns/op")
	b.ReportMetric(float64(tFW)/float64(tHW), "time-ratio")
	b.ReportMetric(aFW/aHW, "allocs-ratio")
}
