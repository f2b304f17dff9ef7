package settlement

import (
	"errors"
	"fmt"
	"strings"

	"zhanggui/pos"
)

// ErrBadBill means a bill file could not be read. Every error a parser
// returns matches it with errors.Is and has pos.CodeInvalid.
var ErrBadBill = pos.Errorf(pos.CodeInvalid, "settlement: malformed bill")

// lineErrorsMax bounds the problems one BillError lists: a file of the
// wrong kind would otherwise list every one of its lines.
const lineErrorsMax = 100

// LineError is one problem of a bill file, where the accountant finds it.
type LineError struct {
	Line   int    // 1-based line of the unpacked, decoded file; 0: the file as a whole
	Column string // the column's header as the file spells it; "" for the whole line
	Err    error  // what is wrong
}

// Error says where and what: "line 12, 订单金额（元）: bad amount \"1.2.3\"".
func (e *LineError) Error() string {
	switch {
	case e.Line == 0:
		return e.Err.Error()
	case e.Column == "":
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("line %d, %s: %v", e.Line, e.Column, e.Err)
}

// Unwrap returns the cause.
func (e *LineError) Unwrap() error { return e.Err }

// Message says the same in Chinese, for the screen: "第 12 行「订单金额（元）」：…".
func (e *LineError) Message() string {
	switch {
	case e.Line == 0:
		return "账单文件：" + e.Err.Error()
	case e.Column == "":
		return fmt.Sprintf("第 %d 行：%v", e.Line, e.Err)
	}
	return fmt.Sprintf("第 %d 行「%s」：%v", e.Line, e.Column, e.Err)
}

// BillError lists every problem of a bill that was not read, in file
// order, so the file can be fixed (or the provider asked) in one pass.
type BillError struct {
	Channel Channel
	Lines   []*LineError // at most lineErrorsMax
	More    int          // problems beyond those listed
}

// Error lists the problems, one per line.
func (e *BillError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "settlement: %s bill has %d problem(s)", e.Channel, len(e.Lines)+e.More)
	for _, l := range e.Lines {
		b.WriteString("\n  ")
		b.WriteString(l.Error())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", e.More)
	}
	return b.String()
}

// Unwrap gives ErrBadBill and every *LineError to errors.Is and errors.As.
func (e *BillError) Unwrap() []error {
	out := make([]error, 0, len(e.Lines)+1)
	out = append(out, ErrBadBill)
	for _, l := range e.Lines {
		out = append(out, l)
	}
	return out
}

// problems collects a parse's LineErrors.
type problems struct {
	channel Channel
	lines   []*LineError
	more    int
}

// add records a problem at line and column.
func (p *problems) add(line int, column string, err error) {
	if len(p.lines) == lineErrorsMax {
		p.more++
		return
	}
	p.lines = append(p.lines, &LineError{Line: line, Column: column, Err: err})
}

// addf records a problem with a formatted message.
func (p *problems) addf(line int, column, format string, args ...any) {
	p.add(line, column, fmt.Errorf(format, args...))
}

// err returns the *BillError, or nil when there was no problem.
func (p *problems) err() error {
	if len(p.lines) == 0 {
		return nil
	}
	return &BillError{Channel: p.channel, Lines: p.lines, More: p.more}
}

// fileError is a BillError about the file as a whole.
func fileError(ch Channel, format string, args ...any) error {
	p := problems{channel: ch}
	p.add(0, "", fmt.Errorf(format, args...))
	return p.err()
}

// IsBillError reports whether err is a parser's complaint about the file
// (as opposed to, say, a file that could not be read).
func IsBillError(err error) bool {
	var be *BillError
	return errors.As(err, &be)
}
