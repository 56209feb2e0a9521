// Package seal encrypts and authenticates small values under keys derived
// from an app secret, with rotation: the first key seals, every key opens.
package seal

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

// MinSecretLen is the shortest secret accepted.
const MinSecretLen = 32

// ErrOpen is returned for any sealed value that does not open: tampered,
// truncated, sealed under another key, or bound to other data.
var ErrOpen = errors.New("seal: value does not open")

// Keyring holds secrets, newest first.
type Keyring struct {
	secrets [][]byte
	derived sync.Map // "i:info" -> []byte or cipher.AEAD
}

// New returns a keyring over secrets, newest first. Each must be at least
// [MinSecretLen] bytes.
func New(secrets ...[]byte) (*Keyring, error) {
	if len(secrets) == 0 {
		return nil, errors.New("no secret given")
	}
	k := &Keyring{}
	for i, s := range secrets {
		if len(s) < MinSecretLen {
			if i == 0 {
				return nil, errors.New("the secret must be at least 32 bytes")
			}
			return nil, errors.New("every previous secret must be at least 32 bytes")
		}
		k.secrets = append(k.secrets, append([]byte(nil), s...))
	}
	return k, nil
}

// Sum returns HMAC-SHA256 of msg under the key derived from the newest
// secret for purpose.
func (k *Keyring) Sum(purpose string, msg []byte) []byte {
	return k.sumWith(0, purpose, msg)
}

// Sums returns HMAC-SHA256 of msg under each secret's key, newest first.
func (k *Keyring) Sums(purpose string, msg []byte) [][]byte {
	out := make([][]byte, len(k.secrets))
	for i := range k.secrets {
		out[i] = k.sumWith(i, purpose, msg)
	}
	return out
}

func (k *Keyring) sumWith(i int, purpose string, msg []byte) []byte {
	m := hmac.New(sha256.New, k.key(i, "mac:"+purpose))
	m.Write(msg)
	return m.Sum(nil)
}

func (k *Keyring) key(i int, info string) []byte {
	ck := strconv.Itoa(i) + ":" + info
	if v, ok := k.derived.Load(ck); ok {
		return v.([]byte)
	}
	key, err := hkdf.Key(sha256.New, k.secrets[i], nil, "formwork "+info, 32)
	if err != nil {
		panic(err) // only for lengths over 255*32 bytes
	}
	k.derived.Store(ck, key)
	return key
}

func (k *Keyring) aead(i int, purpose string) cipher.AEAD {
	ck := strconv.Itoa(i) + ":gcm:" + purpose
	if v, ok := k.derived.Load(ck); ok {
		return v.(cipher.AEAD)
	}
	block, err := aes.NewCipher(k.key(i, "aead:"+purpose))
	if err != nil {
		panic(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	k.derived.Store(ck, gcm)
	return gcm
}

// Seal encrypts plaintext under the newest key for purpose, authenticating
// ad with it, and returns it as unpadded base64url.
func (k *Keyring) Seal(purpose string, plaintext, ad []byte) string {
	gcm := k.aead(0, purpose)
	nonce := make([]byte, gcm.NonceSize(), gcm.NonceSize()+len(plaintext)+gcm.Overhead())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(gcm.Seal(nonce, nonce, plaintext, ad))
}

// Open reverses [Keyring.Seal], trying every key. It returns [ErrOpen] for
// anything that does not open.
func (k *Keyring) Open(purpose, sealed string, ad []byte) ([]byte, error) {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return nil, ErrOpen
	}
	for i := range k.secrets {
		gcm := k.aead(i, purpose)
		if len(raw) < gcm.NonceSize()+gcm.Overhead() {
			return nil, ErrOpen
		}
		nonce, box := raw[:gcm.NonceSize()], raw[gcm.NonceSize():]
		if pt, err := gcm.Open(nil, nonce, box, ad); err == nil {
			return pt, nil
		}
	}
	return nil, ErrOpen
}
