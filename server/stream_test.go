package server_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/formwork-dev/formwork/server"
)

// Each Write of a Stream reaches the client as it is written, as a chunk
// of a chunked body: the handler writes piece n+1 only after the client
// has read piece n. A Write of nothing sends the headers alone.
func TestStreamChunks(t *testing.T) {
	pieces := []string{"first piece\n", "second\n", "and the last\n"}
	next := make(chan struct{})
	ts := newRouteServerAt(t, "/export", func(s *server.Server) http.Handler {
		return s.Route().Get(func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			stream := server.NewStream(w)
			if _, err := stream.Write(nil); err != nil { // the headers alone
				return err
			}
			for _, p := range pieces {
				<-next
				if _, err := io.WriteString(stream, p); err != nil {
					return err
				}
			}
			return nil
		})
	})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/export", nil)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if !slices.Equal(resp.TransferEncoding, []string{"chunked"}) || resp.ContentLength != -1 {
		t.Errorf("Transfer-Encoding %v, Content-Length %d; want chunked, none", resp.TransferEncoding, resp.ContentLength)
	}
	for i, want := range pieces {
		next <- struct{}{}
		got := make([]byte, len(want))
		if _, err := io.ReadFull(resp.Body, got); err != nil || string(got) != want {
			t.Fatalf("piece %d: read %q, %v; want %q", i, got, err, want)
		}
	}
	if rest, err := io.ReadAll(resp.Body); err != nil || len(rest) > 0 {
		t.Errorf("after the pieces: %q, %v; want the end of the body", rest, err)
	}
}
