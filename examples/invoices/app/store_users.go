package app

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
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

// UserByEmail returns the user with email and their password hash, or
// sql.ErrNoRows.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, []byte, error) {
	return s.userWhere(ctx, "email = ?", email)
}

// UserByID returns the user with id, or sql.ErrNoRows.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	u, _, err := s.userWhere(ctx, "id = ?", id)
	return u, err
}

// errEmailTaken is SaveProfile's error when another user has the email.
var errEmailTaken = errors.New("app: the email belongs to another user")

// SaveProfile sets the name and email of user id and, unless newPassword is
// empty, its password, stored as a bcrypt hash. It returns errEmailTaken,
// changing nothing, when another user has email.
//
// TODO(reliability): the email check, the name and email update and the
// password update are separate statements, not one transaction: a concurrent
// save can take the email between the check and the update (the UNIQUE
// constraint then fails the update, an internal error rather than a field
// error), and a failed password update leaves the new name and email saved.
func (s *Store) SaveProfile(ctx context.Context, id int64, name, email, newPassword string) error {
	var taken int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = ? AND id != ?`, email, id).Scan(&taken); err != nil {
		return err
	}
	if taken > 0 {
		return errEmailTaken
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET name = ?, email = ? WHERE id = ?`, name, email, id); err != nil {
		return err
	}
	if newPassword == "" {
		return nil
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(newPassword), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
	return err
}
