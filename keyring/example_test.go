package keyring_test

import (
	"fmt"

	"github.com/formwork-dev/formwork/keyring"
)

// An app seals its own values, such as a session ID in a cookie, under a
// purpose of its own. After a rotation the old secret still opens what it
// sealed.
func Example() {
	oldRing, _ := keyring.New([]byte("the old secret, at least 32 bytes"))
	cookie := oldRing.Seal("session", []byte("session 42"), nil)

	ring, _ := keyring.New([]byte("the new secret, at least 32 bytes"), []byte("the old secret, at least 32 bytes"))
	id, err := ring.Open("session", cookie, nil)
	fmt.Println(string(id), err)

	_, err = ring.Open(keyring.PurposeFlash, cookie, nil)
	fmt.Println(err)
	// Output:
	// session 42 <nil>
	// keyring: value does not open
}
