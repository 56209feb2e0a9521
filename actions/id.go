package actions

import (
	"encoding/base64"

	"github.com/formwork-dev/formwork/keyring"
)

// idLen is the length of an encoded ID: 16 bytes of HMAC, base64url.
const idLen = 22

// ids returns the wire IDs of an action name: the one under the current
// secret first, then those under previous secrets, so that pages rendered
// before a rotation still reach the action.
func (r *Registry) ids(name string) []string {
	sums := r.keys.Sums(keyring.PurposeActionID, []byte(name))
	out := make([]string, len(sums))
	for i, sum := range sums {
		out[i] = base64.RawURLEncoding.EncodeToString(sum[:16])
	}
	return out
}

// wellFormedID reports whether id has the shape of an action ID.
func wellFormedID(id string) bool {
	if len(id) != idLen {
		return false
	}
	for i := range len(id) {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
