package app

import (
	"context"
	"fmt"
)

// User is a signed-in user; it is the app's actions.Principal.
type User struct {
	ID                int64
	Email, Name, Role string
}

// Subject identifies the user in logs.
func (u *User) Subject() string { return fmt.Sprintf("user:%d", u.ID) }

// HasRole reports whether the user holds role.
func (u *User) HasRole(role string) bool { return u.Role == role }

func (s *Store) userWhere(ctx context.Context, where string, arg any) (*User, []byte, error) {
	u := &User{}
	var hash []byte
	err := s.db.QueryRowContext(ctx, `SELECT id, email, name, role, password_hash FROM users WHERE `+where, arg).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &hash)
	if err != nil {
		return nil, nil, err
	}
	return u, hash, nil
}
