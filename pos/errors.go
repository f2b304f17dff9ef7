package pos

import (
	"errors"
	"fmt"
)

// Code classifies an error for the two places that act on it: app/ui (what
// to tell the cashier) and sync/outbox (whether to try again).
type Code string

// The error codes.
const (
	CodeInvalid     Code = "invalid"     // wrong input; the cashier can fix it
	CodeNotFound    Code = "not_found"   // no such item, sale or member
	CodeConflict    Code = "conflict"    // e.g. an out_trade_no reused with another amount
	CodeUnavailable Code = "unavailable" // a device or the network is away; try later
	CodeInternal    Code = "internal"    // a bug or corrupt data; log it, never retry
)

// Error is an error with a Code. Its text is for the log only.
type Error struct {
	Code Code
	Msg  string
	Err  error // the cause, or nil
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Is lets errors.Is match sentinel *Errors by identity only.
func (e *Error) Is(target error) bool { return e == target }

// Errorf returns an *Error; one %w in format sets its cause.
func Errorf(code Code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Msg: err.Error(), Err: errors.Unwrap(err)}
}

// ErrorCode returns the Code of the first *Error in err's chain, or
// CodeInternal: an error nobody classified is a bug.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Sentinel errors the screens explain in words of their own.
var (
	ErrUnknownItem    = Errorf(CodeNotFound, "pos: unknown item")
	ErrBadBarcode     = Errorf(CodeInvalid, "pos: bad barcode")
	ErrEmptyCart      = Errorf(CodeInvalid, "pos: the cart is empty")
	ErrBadQty         = Errorf(CodeInvalid, "pos: bad quantity")
	ErrBadDiscount    = Errorf(CodeInvalid, "pos: bad discount")
	ErrUnderpaid      = Errorf(CodeInvalid, "pos: tenders do not cover the total")
	ErrNoLine         = Errorf(CodeInvalid, "pos: no such line")
	ErrInactive       = Errorf(CodeInvalid, "pos: product is deactivated")
	ErrNotCashChange  = Errorf(CodeInvalid, "pos: only cash gives change")
	ErrWholeQtyNeeded = Errorf(CodeInvalid, "pos: this item is sold by the piece")
	// ErrAmountTooLarge refuses a price or quantity that would put a line,
	// or the cart, above money.MaxFen.
	ErrAmountTooLarge = Errorf(CodeInvalid, "pos: amount above the limit")
)
