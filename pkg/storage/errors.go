package storage

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound: the key does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists: create found the key already present.
	ErrExists = errors.New("already exists")
	// ErrConflict: a precondition (resourceVersion, uid) does not hold for the stored object.
	ErrConflict = errors.New("conflict")
	// ErrExpired: the requested revision has been compacted.
	ErrExpired = errors.New("resource version expired")
	// ErrInvalidContinue: a continue token could not be decoded.
	ErrInvalidContinue = errors.New("invalid continue token")
)

// ConflictError is ErrConflict with a reason a person can act on.
type ConflictError struct{ Msg string }

func (e *ConflictError) Error() string { return e.Msg }

// Is makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Conflictf returns a ConflictError.
func Conflictf(format string, args ...any) error {
	return &ConflictError{Msg: fmt.Sprintf(format, args...)}
}
