// Package shape checks the shape of formwork's own packages: their package
// documentation, and files and functions small enough to read.
package shape

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The library's packages, and the limits their hand-written files keep.
var (
	packages = []string{"actions", "keyring", "server", "static", "views"}
	maxLines = 300 // per file
	maxFunc  = 50  // lines per function
)

func parse(t *testing.T, dir string) (*token.FileSet, map[string]*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	paths, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("%s: no Go files (%v)", dir, err)
	}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = f
	}
	return fset, files
}

// TestPackageDoc: go doc of each package starts with the package's own
// doc, which one hand-written file holds, and no generated file adds to it.
func TestPackageDoc(t *testing.T) {
	for _, dir := range packages {
		_, files := parse(t, dir)
		var docs []string
		for path, f := range files {
			if f.Doc == nil {
				continue
			}
			if strings.HasSuffix(path, "_templ.go") {
				t.Errorf("%s: a generated file has a package comment: %q", path, f.Doc.Text())
			}
			docs = append(docs, path)
			if want := "Package " + f.Name.Name + " "; !strings.HasPrefix(f.Doc.Text(), want) {
				t.Errorf("%s: the package doc does not start with %q", path, want)
			}
		}
		if len(docs) != 1 {
			t.Errorf("%s: %d files have a package comment, want 1: %v", dir, len(docs), docs)
		}
	}
}

// TestSmallFilesAndFunctions: no hand-written file is over maxLines, and
// no function over maxFunc lines.
func TestSmallFilesAndFunctions(t *testing.T) {
	for _, dir := range packages {
		fset, files := parse(t, dir)
		for path, f := range files {
			if strings.HasSuffix(path, "_templ.go") {
				continue
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(data), "\n"); n > maxLines {
				t.Errorf("%s: %d lines, over %d: split it by concept", path, n, maxLines)
			}
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1
					if n > maxFunc {
						t.Errorf("%s: %s is %d lines, over %d", path, fd.Name.Name, n, maxFunc)
					}
				}
			}
		}
	}
}
