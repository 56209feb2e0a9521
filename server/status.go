package server

import (
	"net/http"

	"github.com/formwork-dev/formwork/actions"
)

// kindStatus is the one table from error kinds to HTTP statuses.
var kindStatus = [...]int{
	actions.KindInternal:         http.StatusInternalServerError,
	actions.KindInvalid:          http.StatusUnprocessableEntity,
	actions.KindUnauthenticated:  http.StatusUnauthorized,
	actions.KindForbidden:        http.StatusForbidden,
	actions.KindNotFound:         http.StatusNotFound,
	actions.KindConflict:         http.StatusConflict,
	actions.KindMalformed:        http.StatusBadRequest,
	actions.KindUnknownAction:    http.StatusConflict,
	actions.KindTooLarge:         http.StatusRequestEntityTooLarge,
	actions.KindUnsupportedMedia: http.StatusUnsupportedMediaType,
	actions.KindClientGone:       http.StatusBadRequest,
	actions.KindTooManyRequests:  http.StatusTooManyRequests,
	actions.KindUnavailable:      http.StatusServiceUnavailable,
}

// StatusOf maps a result to its HTTP status through the one table from
// error kinds to statuses: 200 for success, 422 for invalid input, and the
// kind's status otherwise (an unknown kind is a 500).
func StatusOf(res *actions.Result) int {
	switch res.Status {
	case actions.StatusOK:
		return http.StatusOK
	case actions.StatusInvalid:
		return http.StatusUnprocessableEntity
	}
	if int(res.Kind) < len(kindStatus) {
		return kindStatus[res.Kind]
	}
	return http.StatusInternalServerError
}
