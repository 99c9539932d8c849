package catalog

import (
	"errors"
	"fmt"
)

// Error codes shared by every domain package's coded errors.
const (
	ENOTFOUND  = "ENOTFOUND"
	EINVALID   = "EINVALID"
	ECONFLICT  = "ECONFLICT"
	EFORBIDDEN = "EFORBIDDEN"
	EUNAUTH    = "EUNAUTHORIZED"
	EINTERNAL  = "EINTERNAL"
	// ELOCKED: the account may not sign in for now (too many wrong
	// passwords); the message says until when.
	ELOCKED = "ELOCKED"
	// ERATELIMIT: too many tries or submissions from one address; the
	// message says when to try again.
	ERATELIMIT = "ERATELIMIT"
	// EPASSWORD: the person must choose a new password before anything else.
	EPASSWORD = "EPASSWORD"
	// ETOOLARGE: what was sent is larger than the route takes.
	ETOOLARGE = "ETOOLARGE"
	// EUNAVAILABLE: the database cannot be reached; try again shortly.
	EUNAVAILABLE = "EUNAVAILABLE"
)

// Error is a domain error with a code for the API and a message for the person
// at the screen (Chinese, naming the field for EINVALID).
type Error struct {
	Code    string
	Field   string // the field at fault, when there is one (JSON name)
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns a coded error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming the field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of a coded error in err's chain, EINTERNAL otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of a coded error, or 系统内部错误.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "系统内部错误"
}

// ErrorField returns the field a coded error names, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
