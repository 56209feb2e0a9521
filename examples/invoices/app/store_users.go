package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// User is a signed-in user; it is the app's actions.Principal.
type User struct {
	ID                int64
	Email, Name, Role string
	// sessionEpoch moves on when the password changes; a session that
	// signed in at an older epoch is refused.
	sessionEpoch int64
}

// Subject identifies the user in logs.
func (u *User) Subject() string { return fmt.Sprintf("user:%d", u.ID) }

// HasRole reports whether the user holds role.
func (u *User) HasRole(role string) bool { return u.Role == role }

func (s *Store) userWhere(ctx context.Context, where string, arg any) (*User, []byte, error) {
	return scanUser(s.db.QueryRowContext(ctx, userSelect+where, arg))
}

// userSelect selects a user; a WHERE condition completes it.
const userSelect = `SELECT id, email, name, role, session_epoch, password_hash FROM users WHERE `

func scanUser(row *sql.Row) (*User, []byte, error) {
	u := &User{}
	var hash []byte
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.sessionEpoch, &hash); err != nil {
		return nil, nil, err
	}
	return u, hash, nil
}

// UserByEmail returns the user with email and their password hash, or
// sql.ErrNoRows.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, []byte, error) {
	return s.userWhere(ctx, "email = ?", email)
}

// UserByID returns the user with id, or sql.ErrNoRows. It reads through
// the store's user cache.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	u, gen := s.users.get(id)
	if u != nil {
		return u, nil
	}
	u, _, err := scanUser(s.userByID.QueryRowContext(ctx, id))
	if err != nil {
		return nil, err
	}
	s.users.put(u, gen)
	return u, nil
}

// errEmailTaken is SaveProfile's error when another user has the email.
var errEmailTaken = errors.New("app: the email belongs to another user")

// SaveProfile sets the name and email of user id and, unless newPassword is
// empty, its password, stored as a bcrypt hash, moving the user's session
// epoch on with it. It returns the user's session epoch, or errEmailTaken,
// changing nothing, when another user has email.
//
// TODO(reliability): the email check, the name and email update and the
// password update are separate statements, not one transaction: a concurrent
// save can take the email between the check and the update (the UNIQUE
// constraint then fails the update, an internal error rather than a field
// error), and a failed password update leaves the new name and email saved.
func (s *Store) SaveProfile(ctx context.Context, id int64, name, email, newPassword string) (epoch int64, err error) {
	defer s.users.drop(id) // after the writes, so that no read puts the old row back
	var taken int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = ? AND id != ?`, email, id).Scan(&taken); err != nil {
		return 0, err
	}
	if taken > 0 {
		return 0, errEmailTaken
	}
	err = s.db.QueryRowContext(ctx, `UPDATE users SET name = ?, email = ? WHERE id = ? RETURNING session_epoch`, name, email, id).Scan(&epoch)
	if err != nil || newPassword == "" {
		return epoch, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(newPassword), bcrypt.DefaultCost)
	if err != nil {
		return 0, err
	}
	err = s.db.QueryRowContext(ctx, `UPDATE users SET password_hash = ?, session_epoch = session_epoch + 1 WHERE id = ?
		RETURNING session_epoch`, hash, id).Scan(&epoch)
	return epoch, err
}
