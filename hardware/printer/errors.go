package printer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
)

// Kinds of failure. Errors from this package wrap one of them where the kind
// is known, next to the cause, so errors.Is finds both. Their text is a
// phrase, because it always appears inside a longer message.
var (
	ErrInvalidDoc        = errors.New("invalid receipt")            // a bug in the caller; never retried
	ErrNotConnected      = errors.New("printer not connected")      // refused, unreachable, no such device
	ErrPaperEnd          = errors.New("paper end")                  // reported by the printer's status
	ErrCoverOpen         = errors.New("cover open")                 // reported by the printer's status
	ErrOffline           = errors.New("printer offline")            // offline or in error for another reason
	ErrTimeout           = errors.New("timed out")                  // no answer in time
	ErrStatusUnsupported = errors.New("status query not supported") // the sink cannot ask
	ErrQueueFull         = errors.New("print queue full")           // the job was not queued
	ErrClosed            = errors.New("print queue closed")         // the job was not printed
)

// ChineseMessage returns what to tell the cashier about err, which the
// caller has already logged in full; "" for nil.
func ChineseMessage(err error) string {
	if err == nil {
		return ""
	}
	if k := kindOf(err); k != nil && !errors.Is(err, k) {
		err = fmt.Errorf("%w: %w", k, err) // a cause this package did not wrap
	}
	switch {
	case errors.Is(err, ErrPaperEnd):
		return "打印机缺纸"
	case errors.Is(err, ErrCoverOpen):
		return "打印机盖未关"
	case errors.Is(err, ErrTimeout):
		return "打印超时"
	case errors.Is(err, ErrNotConnected):
		return "打印机未连接，请检查电源和连线"
	default:
		return "打印失败，可稍后重打"
	}
}

// kindOf names what a failure of the network or the operating system means
// for the cashier, or returns nil when it means nothing in particular.
func kindOf(err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return ErrTimeout
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.Is(err, os.ErrNotExist),
		errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ENXIO):
		return ErrNotConnected
	}
	return nil
}

// failure wraps err for the log as "where: op: cause", adding its kind.
func failure(where, op string, err error) error {
	if k := kindOf(err); k != nil {
		return fmt.Errorf("%s: %s: %w: %w", where, op, k, err)
	}
	return fmt.Errorf("%s: %s: %w", where, op, err)
}

// ctxFailure is failure for an operation that ctx may have cut short: then
// the I/O error is only the symptom, and ctx's error the cause.
func ctxFailure(ctx context.Context, where, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		err = cerr
	}
	return failure(where, op, err)
}
