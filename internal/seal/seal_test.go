package seal_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/formwork-dev/formwork/internal/seal"
)

var (
	oldSecret = bytes.Repeat([]byte("o"), 32)
	newSecret = bytes.Repeat([]byte("n"), 32)
)

func TestSealOpen(t *testing.T) {
	k, err := seal.New(newSecret)
	if err != nil {
		t.Fatal(err)
	}
	sealed := k.Seal("bound", []byte("id=7"), []byte("action-A"))
	if again := k.Seal("bound", []byte("id=7"), []byte("action-A")); again == sealed {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
	if pt, err := k.Open("bound", sealed, []byte("action-A")); err != nil || string(pt) != "id=7" {
		t.Fatalf("Open = %q, %v", pt, err)
	}
	tampered := []byte(sealed)
	tampered[len(tampered)-3] ^= 1
	for name, open := range map[string]func() ([]byte, error){
		"other associated data": func() ([]byte, error) { return k.Open("bound", sealed, []byte("action-B")) },
		"other purpose":         func() ([]byte, error) { return k.Open("flash", sealed, []byte("action-A")) },
		"tampered":              func() ([]byte, error) { return k.Open("bound", string(tampered), []byte("action-A")) },
		"truncated":             func() ([]byte, error) { return k.Open("bound", sealed[:10], []byte("action-A")) },
		"not base64":            func() ([]byte, error) { return k.Open("bound", "!!!", []byte("action-A")) },
		"empty":                 func() ([]byte, error) { return k.Open("bound", "", []byte("action-A")) },
	} {
		if pt, err := open(); !errors.Is(err, seal.ErrOpen) || pt != nil {
			t.Errorf("%s: Open = %q, %v", name, pt, err)
		}
	}
}

func TestRotation(t *testing.T) {
	old, _ := seal.New(oldSecret)
	rotated, _ := seal.New(newSecret, oldSecret)
	sealed := old.Seal("session", []byte("user 1"), nil)
	if pt, err := rotated.Open("session", sealed, nil); err != nil || string(pt) != "user 1" {
		t.Fatalf("a value sealed before rotation: %q, %v", pt, err)
	}
	fresh := rotated.Seal("session", []byte("user 2"), nil)
	if _, err := old.Open("session", fresh, nil); err == nil {
		t.Fatal("the newest secret does not seal")
	}
	if !bytes.Equal(rotated.Sums("id", []byte("x"))[1], old.Sum("id", []byte("x"))) {
		t.Fatal("Sums does not list the previous secret's sum second")
	}
}

func TestShortSecrets(t *testing.T) {
	for _, secrets := range [][][]byte{nil, {[]byte("short")}, {newSecret, []byte("short")}} {
		if _, err := seal.New(secrets...); err == nil {
			t.Errorf("New(%q) accepted", secrets)
		}
	}
}
