// Package keyring seals small values under keys derived from an app's
// secrets, and rotates those secrets without breaking what is already out
// there.
//
// A [Ring] is built once from the current secret and any previous ones. The
// current secret seals; every secret opens. Each use of the ring names a
// [Purpose], and the key of each purpose is derived on its own, so a value
// sealed for one purpose never opens for another: a flash message cannot be
// replayed as a form's bound arguments, nor an app's session cookie as
// either.
//
// formwork's own purposes are the Purpose constants of this package. An app
// names its own, such as keyring.Purpose("session"); whatever it names them,
// they never share a key with formwork's.
package keyring

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"sync"
)

// MinSecretLen is the length of the shortest secret a [Ring] accepts.
const MinSecretLen = 32

// ErrOpen is returned for a sealed value that does not open: tampered,
// truncated, sealed under an unknown secret, for another purpose, or with
// other associated data.
var ErrOpen = errors.New("keyring: value does not open")

// Purpose names what a key is for. Keys of different purposes are
// independent.
type Purpose string

// The purposes formwork itself uses.
const (
	PurposeActionID Purpose = "formwork/action-id" // MACs that derive action IDs
	PurposeBound    Purpose = "formwork/bound"     // a form's bound arguments
	PurposeFlash    Purpose = "formwork/flash"     // the one-time message after a redirect
	PurposeOnce     Purpose = "formwork/once"      // a form's one-time submission token
)

// Ring holds an app's secrets, the current one first. It is safe for
// concurrent use.
type Ring struct {
	secrets [][]byte
	derived sync.Map // "i:info" → []byte or cipher.AEAD
}

// New returns a ring that seals under secret and opens under secret and
// each of previous, newest first. Every secret must be at least
// [MinSecretLen] bytes; keep them as long as values sealed under them may
// come back.
func New(secret []byte, previous ...[]byte) (*Ring, error) {
	r := &Ring{}
	for i, s := range append([][]byte{secret}, previous...) {
		if len(s) < MinSecretLen {
			if i == 0 {
				return nil, errors.New("keyring: the secret must be at least 32 bytes")
			}
			return nil, errors.New("keyring: every previous secret must be at least 32 bytes")
		}
		r.secrets = append(r.secrets, append([]byte(nil), s...))
	}
	return r, nil
}

// Seal encrypts and authenticates plaintext for purpose p under the current
// secret, together with data (which is authenticated, not encrypted, and
// must be given again to open), and returns unpadded base64url text.
func (r *Ring) Seal(p Purpose, plaintext, data []byte) string {
	gcm := r.aead(0, p)
	nonce := make([]byte, gcm.NonceSize(), gcm.NonceSize()+len(plaintext)+gcm.Overhead())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(gcm.Seal(nonce, nonce, plaintext, data))
}

// Open reverses [Ring.Seal] for the same purpose and data, under any of
// the ring's secrets. It returns [ErrOpen] for anything that does not open.
func (r *Ring) Open(p Purpose, sealed string, data []byte) ([]byte, error) {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return nil, ErrOpen
	}
	for i := range r.secrets {
		gcm := r.aead(i, p)
		if len(raw) < gcm.NonceSize()+gcm.Overhead() {
			return nil, ErrOpen
		}
		nonce, box := raw[:gcm.NonceSize()], raw[gcm.NonceSize():]
		if pt, err := gcm.Open(nil, nonce, box, data); err == nil {
			return pt, nil
		}
	}
	return nil, ErrOpen
}

// Sum returns the HMAC-SHA256 of msg for purpose p under the current
// secret.
func (r *Ring) Sum(p Purpose, msg []byte) []byte { return r.sumWith(0, p, msg) }

// Sums returns the HMAC-SHA256 of msg for purpose p under each secret,
// newest first, so that a value derived under a previous secret is still
// recognised.
func (r *Ring) Sums(p Purpose, msg []byte) [][]byte {
	out := make([][]byte, len(r.secrets))
	for i := range r.secrets {
		out[i] = r.sumWith(i, p, msg)
	}
	return out
}

// info is the name a purpose's keys are derived under. formwork's own
// purposes keep the names their keys had before the key ring was public,
// so that action IDs and sealed forms survive the upgrade; every other
// purpose is an app's, derived under "app:" and its name, so that no app
// purpose shares a key with formwork's.
func (p Purpose) info() string {
	switch p {
	case PurposeActionID:
		return "action-id"
	case PurposeBound:
		return "bound"
	case PurposeFlash:
		return "flash"
	case PurposeOnce:
		return "once"
	}
	return "app:" + string(p)
}

func (r *Ring) sumWith(i int, p Purpose, msg []byte) []byte {
	m := hmac.New(sha256.New, r.key(i, "mac:"+p.info()))
	m.Write(msg)
	return m.Sum(nil)
}

// key derives the key of secret i for info with HKDF-SHA256, once.
func (r *Ring) key(i int, info string) []byte {
	ck := strconv.Itoa(i) + ":" + info
	if v, ok := r.derived.Load(ck); ok {
		return v.([]byte)
	}
	key, err := hkdf.Key(sha256.New, r.secrets[i], nil, "formwork "+info, 32)
	if err != nil {
		panic(err) // only for lengths over 255*32 bytes
	}
	r.derived.Store(ck, key)
	return key
}

// aead returns the AES-256-GCM of secret i for purpose p, built once.
func (r *Ring) aead(i int, p Purpose) cipher.AEAD {
	ck := strconv.Itoa(i) + ":gcm:" + p.info()
	if v, ok := r.derived.Load(ck); ok {
		return v.(cipher.AEAD)
	}
	block, err := aes.NewCipher(r.key(i, "aead:"+p.info()))
	if err != nil {
		panic(err) // the key is always 32 bytes
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	r.derived.Store(ck, gcm)
	return gcm
}
