// Package generated checks that committed generated code is fresh.
package generated

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTemplFresh fails when `templ generate` would change a committed
// *_templ.go file, or when a .templ file has none.
func TestTemplFresh(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var checked int
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".templ") {
			return nil
		}
		checked++
		cmd := exec.Command("go", "tool", "templ", "generate", "-include-version=false", "-f", path, "-stdout")
		cmd.Dir = root
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		want, err := cmd.Output()
		if err != nil {
			t.Errorf("templ generate -f %s: %v\n%s", path, err, stderr.String())
			return nil
		}
		generated := strings.TrimSuffix(path, ".templ") + "_templ.go"
		got, err := os.ReadFile(generated)
		if err != nil {
			t.Errorf("%s has no generated file: run `make generate`", path)
			return nil
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run `make generate` and commit it", generated)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no .templ files found")
	}
}
