package app

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/formwork-dev/formwork/keyring"
)

// purposeAPIToken derives the MACs of API tokens from the app's secret.
const purposeAPIToken keyring.Purpose = "invoices/api-token"

// APIToken returns user u's API token, for the mobile app's
// "Authorization: Bearer" header: "inv_<user>_<epoch>_<MAC>". Nothing of it
// is stored: the MAC under the app's secret proves it, and replacing the
// token (a new epoch) revokes the old one.
func (a *App) APIToken(u *User) string {
	return fmt.Sprintf("inv_%d_%d_%s", u.ID, u.tokenEpoch, a.tokenMAC(u.ID, u.tokenEpoch))
}

// tokenMAC is the MAC of a token under the current secret.
func (a *App) tokenMAC(id, epoch int64) string {
	sum := a.reg.Keys().Sum(purposeAPIToken, fmt.Appendf(nil, "%d.%d", id, epoch))
	return base64.RawURLEncoding.EncodeToString(sum[:18])
}

// tokenUser returns the user whose current token is token, or nil: a
// malformed token, a wrong MAC, a replaced token and a deleted user are
// all nobody.
func (a *App) tokenUser(ctx context.Context, token string) (*User, error) {
	id, epoch, mac, ok := parseToken(token)
	if !ok || !a.tokenMACValid(id, epoch, mac) {
		return nil, nil
	}
	u, err := a.store.UserByID(ctx, id)
	switch {
	case isNoRows(err):
		return nil, nil
	case err != nil:
		return nil, err
	case u.tokenEpoch != epoch:
		return nil, nil
	}
	return u, nil
}

// tokenMACValid checks mac under each of the app's secrets, in constant
// time.
func (a *App) tokenMACValid(id, epoch int64, mac string) bool {
	got, err := base64.RawURLEncoding.DecodeString(mac)
	if err != nil {
		return false
	}
	for _, sum := range a.reg.Keys().Sums(purposeAPIToken, fmt.Appendf(nil, "%d.%d", id, epoch)) {
		if hmac.Equal(got, sum[:18]) {
			return true
		}
	}
	return false
}

func parseToken(token string) (id, epoch int64, mac string, ok bool) {
	parts := strings.SplitN(token, "_", 4) // the MAC may hold "_"
	if len(parts) != 4 || parts[0] != "inv" {
		return 0, 0, "", false
	}
	id, err1 := strconv.ParseInt(parts[1], 10, 64)
	epoch, err2 := strconv.ParseInt(parts[2], 10, 64)
	return id, epoch, parts[3], err1 == nil && err2 == nil
}
