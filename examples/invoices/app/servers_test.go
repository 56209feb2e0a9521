package app_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/formwork-dev/formwork/examples/invoices/sessionstore"
)

// redisSessions starts Debian's redis-server (scripts/setup.sh installs
// it) on a free loopback port, keeping nothing on disk, and returns a
// session store in it.
func redisSessions(t *testing.T) scs.Store {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal("redis-server is missing: run `make setup`, which installs Debian's redis-server package")
	}
	dir, port := t.TempDir(), freePort(t)
	serve(t, exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--dir", dir,
		"--save", "", "--appendonly", "no", "--logfile", filepath.Join(dir, "redis.log")))
	return openStore(t, "redis-server", func(ctx context.Context) (*sessionstore.Store, error) {
		return sessionstore.Redis(ctx, "redis://127.0.0.1:"+port+"/0")
	})
}

// postgresSessions starts Debian's PostgreSQL (scripts/setup.sh installs
// it) on a free loopback port, in a new cluster in a temporary directory,
// and returns a session store in it. PostgreSQL refuses to run as root:
// as root, the cluster is the postgres user's.
func postgresSessions(t *testing.T) scs.Store {
	bin := postgresBin(t)
	dir, err := os.MkdirTemp("", "formwork-postgres-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred = postgresUser(t, dir)
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"),
		"-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	port := freePort(t)
	postgres := exec.Command(filepath.Join(bin, "postgres"), "-D", filepath.Join(dir, "data"), "-p", port,
		"-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off")
	postgres.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	serve(t, postgres)
	return openStore(t, "postgres", func(ctx context.Context) (*sessionstore.Store, error) {
		return sessionstore.Postgres(ctx, "postgres://postgres@127.0.0.1:"+port+"/postgres?sslmode=disable")
	})
}

// postgresBin returns the directory of Debian's PostgreSQL programs, which
// are not on PATH.
func postgresBin(t *testing.T) string {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) == 0 {
		t.Fatal("PostgreSQL is missing: run `make setup`, which installs Debian's postgresql-15 package")
	}
	return filepath.Dir(found[len(found)-1])
}

// postgresUser gives dir to the postgres user, and returns its credential.
func postgresUser(t *testing.T, dir string) *syscall.Credential {
	u, err := user.Lookup("postgres")
	if err != nil {
		t.Fatalf("running as root, PostgreSQL needs the postgres user: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
}

// serve starts cmd, and stops it at the end of the test.
func serve(t *testing.T, cmd *exec.Cmd) {
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", cmd.Path, err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
}

// openStore opens a store with open, trying for 10 seconds while its
// server starts, and closes it at the end of the test.
func openStore(t *testing.T, server string, open func(context.Context) (*sessionstore.Store, error)) scs.Store {
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, err := open(t.Context())
		if err == nil {
			t.Cleanup(func() { s.Close() })
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not start: %v", server, err)
		}
		time.Sleep(50 * time.Millisecond) // a real server starting: no fake clock reaches it
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}
