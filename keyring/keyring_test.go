package keyring_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/formwork-dev/formwork/keyring"
)

var (
	oldSecret = bytes.Repeat([]byte("o"), 32)
	newSecret = bytes.Repeat([]byte("n"), 32)
)

func newRing(t *testing.T, secret []byte, previous ...[]byte) *keyring.Ring {
	t.Helper()
	r, err := keyring.New(secret, previous...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSealOpen(t *testing.T) {
	r := newRing(t, newSecret)
	sealed := r.Seal(keyring.PurposeBound, []byte("id=7"), []byte("action-A"))
	if again := r.Seal(keyring.PurposeBound, []byte("id=7"), []byte("action-A")); again == sealed {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
	if pt, err := r.Open(keyring.PurposeBound, sealed, []byte("action-A")); err != nil || string(pt) != "id=7" {
		t.Fatalf("Open = %q, %v", pt, err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(sealed)
	raw[len(raw)-3] ^= 1 // a byte of the ciphertext or tag, not of its encoding
	tampered := base64.RawURLEncoding.EncodeToString(raw)
	for name, open := range map[string]func() ([]byte, error){
		"other associated data": func() ([]byte, error) { return r.Open(keyring.PurposeBound, sealed, []byte("action-B")) },
		"tampered":              func() ([]byte, error) { return r.Open(keyring.PurposeBound, tampered, []byte("action-A")) },
		"truncated":             func() ([]byte, error) { return r.Open(keyring.PurposeBound, sealed[:10], []byte("action-A")) },
		"not base64":            func() ([]byte, error) { return r.Open(keyring.PurposeBound, "!!!", []byte("action-A")) },
		"empty":                 func() ([]byte, error) { return r.Open(keyring.PurposeBound, "", []byte("action-A")) },
	} {
		if pt, err := open(); !errors.Is(err, keyring.ErrOpen) || pt != nil {
			t.Errorf("%s: Open = %q, %v", name, pt, err)
		}
	}
}

// A value sealed for one purpose opens for that purpose alone: formwork's
// own purposes, and app purposes, even one spelled like formwork's.
func TestPurposesAreSeparate(t *testing.T) {
	r := newRing(t, newSecret)
	purposes := []keyring.Purpose{keyring.PurposeBound, keyring.PurposeFlash, keyring.PurposeActionID, keyring.PurposeOnce,
		"session", "bound", "flash", "action-id", "app:flash", "formwork/bound", ""}
	for _, sealFor := range purposes {
		sealed := r.Seal(sealFor, []byte("payload"), nil)
		for _, openFor := range purposes {
			pt, err := r.Open(openFor, sealed, nil)
			if sealFor == openFor {
				if err != nil || string(pt) != "payload" {
					t.Errorf("sealed for %q, opened for it: %q, %v", sealFor, pt, err)
				}
				continue
			}
			if !errors.Is(err, keyring.ErrOpen) {
				t.Errorf("sealed for %q, opened for %q: %q, %v", sealFor, openFor, pt, err)
			}
		}
	}
	if bytes.Equal(r.Sum(keyring.PurposeActionID, []byte("x")), r.Sum("action-id", []byte("x"))) {
		t.Error("MACs of two purposes are equal")
	}
}

func TestRotation(t *testing.T) {
	old := newRing(t, oldSecret)
	rotated := newRing(t, newSecret, oldSecret)
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
	for name, secrets := range map[string][][]byte{
		"none":           {nil},
		"short":          {[]byte("short")},
		"short previous": {newSecret, []byte("short")},
	} {
		if _, err := keyring.New(secrets[0], secrets[1:]...); err == nil {
			t.Errorf("%s: New accepted", name)
		}
	}
}

// Known answers: values derived and sealed by formwork before the key ring
// was public (internal/seal, edf2a12) still come out the same and open, so
// an upgrade keeps action IDs, open forms and app cookies working.
func TestKnownAnswers(t *testing.T) {
	r := newRing(t, bytes.Repeat([]byte("k"), 32))
	id := base64.RawURLEncoding.EncodeToString(r.Sum(keyring.PurposeActionID, []byte("invoice.create"))[:16])
	if id != "5Y2klRq-WleDnbjr1o8ASg" {
		t.Errorf("the action ID of invoice.create changed: %s", id)
	}
	if pt, err := r.Open(keyring.PurposeBound, "DEpweSmCZvItzomqolh81pm3hF97mfLLd3G0lPNQaenP", []byte(id)); err != nil || string(pt) != "id=42" {
		t.Errorf("bound arguments sealed before: %q, %v", pt, err)
	}
	if pt, err := r.Open("session", "mFbr5wXaRXhUUZOqFWQ0Tg7cHyUFkMoVtqHxkWRKmOMAgqMS3etgsA", nil); err != nil || string(pt) != "7|9999999999" {
		t.Errorf("an app value sealed before: %q, %v", pt, err)
	}
}
