package redisstore_test

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is a redis-server that a test started on a free loopback
// port, in a temporary directory, keeping nothing on disk. It can be
// killed, paused and started again on the same port.
type redisServer struct {
	t         testing.TB
	bin, dir  string
	addr      string
	cmd       *exec.Cmd
	startings int
}

// startRedis starts Debian's redis-server (scripts/setup.sh installs it),
// and stops it at the end of the test.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal("redis-server is missing: run `make setup`, which installs Debian's redis-server package")
	}
	s := &redisServer{t: t, bin: bin, dir: t.TempDir(), addr: freeAddr(t)}
	t.Cleanup(s.kill)
	s.start()
	return s
}

// start starts the server, and returns once it answers PING.
func (s *redisServer) start() {
	s.t.Helper()
	s.startings++
	_, port, _ := net.SplitHostPort(s.addr)
	s.cmd = exec.Command(s.bin, "--bind", "127.0.0.1", "--port", port, "--dir", s.dir,
		"--save", "", "--appendonly", "no",
		"--logfile", filepath.Join(s.dir, fmt.Sprintf("redis-%d.log", s.startings)))
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("redis-server: %v", err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1, DialTimeout: time.Second})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := rdb.Ping(context.Background()).Err()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redis-server did not answer on %s: %v", s.addr, err)
		}
		time.Sleep(20 * time.Millisecond) // a real process starting: no fake clock reaches it
	}
}

// kill kills the server at once (SIGKILL): it saves nothing, and every
// connection to it breaks.
func (s *redisServer) kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// restart kills the server and starts it again on the same port, empty.
func (s *redisServer) restart() {
	s.t.Helper()
	s.kill()
	s.start()
}

// pause stops the process (SIGSTOP) until resume: connections stay open
// and nothing answers.
func (s *redisServer) pause() {
	s.cmd.Process.Signal(syscall.SIGSTOP)
	s.t.Cleanup(s.resume)
}

// resume lets a paused process go on (SIGCONT).
func (s *redisServer) resume() {
	if s.cmd != nil {
		s.cmd.Process.Signal(syscall.SIGCONT)
	}
}

// client returns a client of the server with short timeouts, that
// honours its callers' deadlines, closed at the end of the test.
func (s *redisServer) client() *redis.Client {
	rdb := redis.NewClient(&redis.Options{
		Addr:                  s.addr,
		DialTimeout:           time.Second,
		ReadTimeout:           time.Second,
		WriteTimeout:          time.Second,
		ContextTimeoutEnabled: true,
		MaxRetries:            -1,
	})
	s.t.Cleanup(func() { rdb.Close() })
	return rdb
}

// do runs a command on the server over a connection of its own, and
// returns its reply.
func (s *redisServer) do(args ...any) any {
	s.t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1})
	defer rdb.Close()
	v, err := rdb.Do(context.Background(), args...).Result()
	if err != nil && err != redis.Nil {
		s.t.Fatalf("%v: %v", args, err)
	}
	return v
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
