// Command stress loads the demo over loopback while it probes how fast a
// page still answers, for scripts/stressbench.sh:
//
//   - -mode flood: connections post wrong passwords to the sign-in form;
//   - -mode bodies: 200 bodies of 900 KB at once, then thousands of
//     connections that send a 900 KB body slowly.
//
// It prints the statuses the load got and the probe's latencies. The
// script samples the server's memory.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8091", "the demo's address")
	mode := flag.String("mode", "flood", "flood or bodies")
	form := flag.String("form", "", "the sign-in form's hidden fields, URL-encoded")
	cookie := flag.String("cookie", "", "a session cookie for the probe's page")
	probe := flag.String("probe", "/", "the page the probe asks for")
	conns := flag.Int("conns", 64, "flood: connections posting at once")
	big := flag.Int("big", 200, "bodies: 900 KB bodies sent at once first")
	slow := flag.Int("slow", 8000, "bodies: connections sending a body slowly")
	duration := flag.Duration("d", 10*time.Second, "how long the load lasts")
	flag.Parse()

	stop := make(chan struct{})
	lat := make(chan []time.Duration, 1)
	go func() { lat <- probeLoop(*addr, *probe, *cookie, stop) }()
	var statuses map[string]int
	switch *mode {
	case "flood":
		statuses = flood(*addr, *form, *conns, *duration)
	case "bodies":
		statuses = bodies(*addr, *form, *big, *slow, *duration)
	default:
		fmt.Fprintln(os.Stderr, "stress: -mode is flood or bodies")
		os.Exit(2)
	}
	close(stop)
	report(statuses, <-lat)
}

// probeLoop asks for the page every 20 ms until stop, and returns how long
// each answer took; a failed one counts as a minute.
func probeLoop(addr, path, cookie string, stop chan struct{}) []time.Duration {
	client := &http.Client{Timeout: 5 * time.Second}
	var out []time.Duration
	for {
		select {
		case <-stop:
			return out
		case <-time.After(20 * time.Millisecond):
		}
		req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
		req.Header.Set("Cookie", cookie)
		start := time.Now()
		resp, err := client.Do(req)
		d := time.Since(start)
		if err != nil || resp.StatusCode != 200 {
			d = time.Minute
		}
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		out = append(out, d)
	}
}

// flood posts wrong passwords from conns connections for d.
func flood(addr, form string, conns int, d time.Duration) map[string]int {
	counts := newCounter()
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() {
			client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			body := form + fmt.Sprintf("&email=flood%d@example.com&password=wrong", i)
			for time.Now().Before(end) {
				resp, err := client.Post("http://"+addr+"/login", "application/x-www-form-urlencoded", strings.NewReader(body))
				if err != nil {
					counts.add("error")
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				counts.add(fmt.Sprint(resp.StatusCode))
			}
		})
	}
	wg.Wait()
	return counts.m
}

// bodies sends n bodies of 900 KB at once, then opens slow connections
// that each send a 900 KB body a kilobyte a second, for d.
func bodies(addr, form string, n, slow int, d time.Duration) map[string]int {
	counts := newCounter()
	big := form + "&email=a@example.com&password=" + strings.Repeat("x", 900<<10-len(form)-40)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			client := &http.Client{Timeout: 30 * time.Second}
			resp, err := client.Post("http://"+addr+"/login", "application/x-www-form-urlencoded", strings.NewReader(big))
			if err != nil {
				counts.add("big error")
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			counts.add(fmt.Sprint("big ", resp.StatusCode))
		})
	}
	wg.Wait()
	end := time.Now().Add(d)
	for i := range slow {
		if i%500 == 499 {
			time.Sleep(50 * time.Millisecond) // within the listen backlog
		}
		wg.Go(func() { slowBody(addr, big, end, counts) })
	}
	wg.Wait()
	return counts.m
}

// slowBody sends big a kilobyte a second until end, and counts the
// answer, if one comes before it gives up.
func slowBody(addr, big string, end time.Time, counts *counter) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		counts.add("slow dial error")
		return
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", addr, len(big))
	answered := make(chan string, 1)
	go func() {
		buf := make([]byte, 64)
		n, _ := io.ReadAtLeast(c, buf, 12)
		if n >= 12 {
			answered <- "slow " + string(buf[9:12])
		} else {
			answered <- "slow closed"
		}
	}()
	for sent := 0; sent < len(big) && time.Now().Before(end); sent += 1024 {
		if _, err := c.Write([]byte(big[sent:min(sent+1024, len(big))])); err != nil {
			break
		}
		select {
		case s := <-answered:
			counts.add(s)
			return
		case <-time.After(time.Second):
		}
	}
	counts.add("slow unanswered")
}

type counter struct {
	mu sync.Mutex
	m  map[string]int
}

func newCounter() *counter { return &counter{m: map[string]int{}} }

func (c *counter) add(k string) {
	c.mu.Lock()
	c.m[k]++
	c.mu.Unlock()
}

func report(statuses map[string]int, lat []time.Duration) {
	keys := make([]string, 0, len(statuses))
	for k := range statuses {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Printf("load %s: %d\n", k, statuses[k])
	}
	slices.Sort(lat)
	failed := 0
	for _, d := range lat {
		if d == time.Minute {
			failed++
		}
	}
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	fmt.Printf("probe: %d GETs, %d failed, p50 %.1f ms, p99 %.1f ms\n", len(lat), failed, pct(0.5), pct(0.99))
}
