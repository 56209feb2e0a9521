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
	Version           int64 // of the profile, for a save from an out-of-date form
	// sessionEpoch moves on when the password changes; a session that
	// signed in at an older epoch is refused.
	sessionEpoch int64
	// tokenEpoch moves on when the user replaces their API token; a token
	// of an older epoch is refused.
	tokenEpoch int64
}

// Subject identifies the user in logs.
func (u *User) Subject() string { return fmt.Sprintf("user:%d", u.ID) }

// HasRole reports whether the user holds role.
func (u *User) HasRole(role string) bool { return u.Role == role }

func (s *Store) userWhere(ctx context.Context, where string, arg any) (*User, []byte, error) {
	return scanUser(s.db.QueryRowContext(ctx, userSelect+where, arg))
}

// userSelect selects a user; a WHERE condition completes it.
const userSelect = `SELECT id, email, name, role, version, session_epoch, token_epoch, password_hash FROM users WHERE `

func scanUser(row *sql.Row) (*User, []byte, error) {
	u := &User{}
	var hash []byte
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Version, &u.sessionEpoch, &u.tokenEpoch, &hash); err != nil {
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

// ProfileValues are what SaveProfile writes.
type ProfileValues struct {
	Name, Email string
	NewPassword string // empty keeps the password
}

// SaveProfile sets the name and email of user id and, unless newPassword is
// empty, its password, stored as a bcrypt hash, moving the user's session
// epoch on with it, all in one transaction, if the profile is still at
// version. It returns the user's session epoch; errEmailTaken when another
// user has the email, even one that took it a moment ago (the UNIQUE
// constraint's answer); or a staleError with the profile as saved now when
// the version moved on. Either error changes nothing.
func (s *Store) SaveProfile(ctx context.Context, id, version int64, v ProfileValues) (epoch int64, err error) {
	defer s.users.drop(id) // after the writes, so that no read puts the old row back
	var hash []byte
	if v.NewPassword != "" {
		if hash, err = bcrypt.GenerateFromPassword([]byte(v.NewPassword), bcrypt.DefaultCost); err != nil {
			return 0, err
		}
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE users SET name = ?, email = ?, version = version + 1,
			password_hash = COALESCE(?, password_hash), session_epoch = session_epoch + (? IS NOT NULL)
			WHERE id = ? AND version = ? RETURNING session_epoch`, v.Name, v.Email, hash, hash, id, version).Scan(&epoch)
		if errors.Is(err, sql.ErrNoRows) {
			return s.staleProfile(ctx, tx, id)
		}
		return err
	})
	if isUniqueViolation(err) {
		return 0, errEmailTaken
	}
	return epoch, err
}

// staleProfile returns a staleError with user id's profile as saved now,
// or sql.ErrNoRows.
func (s *Store) staleProfile(ctx context.Context, tx *sql.Tx, id int64) error {
	var name, email string
	if err := tx.QueryRowContext(ctx, `SELECT name, email FROM users WHERE id = ?`, id).Scan(&name, &email); err != nil {
		return err
	}
	return &staleError[ProfileValues]{now: ProfileValues{Name: name, Email: email}}
}
