// Package escpostest decodes ESC/POS bytes back into the commands they hold
// and the lines a receipt printer would print, with GB18030 text turned
// back into UTF-8. Tests use it to check what package printer sends.
//
// It knows the commands printer emits plus a few common ones (ESC p, DLE
// EOT, ESC d, ESC !, FS ., CR, HT) and rejects anything else with the
// offset of the byte, so a test notices bytes it did not expect. It is test
// support: no production code depends on it.
package escpostest

import (
	"fmt"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Command is one command or run of text in the input.
type Command struct {
	Name string // "ESC @", "GS ( k", "LF", … or "text"
	Args []byte // parameters: n of ESC a; m t1 t2 of ESC p; cn fn of GS ( k
	Data []byte // GS ( k: the bytes after cn fn; text: the raw bytes
	Text string // text: Data decoded from GB18030
	Off  int    // where the command starts in the input
	Len  int    // how many bytes it takes
}

// Line is one printed line, with the style it was printed in: the style in
// force when its first character arrived, as on a printer.
type Line struct {
	Text  string // "" for a blank line or a QR code
	QR    string // the payload of a QR code printed as this line
	Align byte   // ESC a: 0 left, 1 centre, 2 right
	Bold  bool   // ESC E
	Size  byte   // GS !: 0x00 normal, 0x01 double height, 0x11 double size
}

// Receipt is what Decode found.
type Receipt struct {
	Commands []Command
	Lines    []Line
}

// Error is a byte Decode did not understand, with where it is.
type Error struct {
	Off int    // offset of the command in the input
	Msg string // what is wrong
}

func (e *Error) Error() string { return fmt.Sprintf("escpostest: offset %d: %s", e.Off, e.Msg) }

// Count reports how many commands are called name ("GS V", "ESC p").
func (r *Receipt) Count(name string) int {
	n := 0
	for _, c := range r.Commands {
		if c.Name == name {
			n++
		}
	}
	return n
}

// Find returns the commands called name, in order.
func (r *Receipt) Find(name string) []Command {
	var out []Command
	for _, c := range r.Commands {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// Text returns the printed lines, each ending in "\n", a QR code as "[QR]".
func (r *Receipt) Text() string {
	var b strings.Builder
	for _, l := range r.Lines {
		if l.QR != "" {
			b.WriteString("[QR]")
		}
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// QRs returns the payloads of the QR codes printed, in order.
func (r *Receipt) QRs() []string {
	var out []string
	for _, l := range r.Lines {
		if l.QR != "" {
			out = append(out, l.QR)
		}
	}
	return out
}

// Decode reads b. On an error it returns what it decoded up to the bad
// command, and an *Error. Text not ended by LF counts as a last line.
func Decode(b []byte) (*Receipt, error) {
	d := decoder{in: b, gb: simplifiedchinese.GB18030.NewDecoder()}
	for d.off < len(d.in) {
		if err := d.step(); err != nil {
			return &d.r, err
		}
	}
	if d.started {
		d.endLine()
	}
	return &d.r, nil
}

// decoder holds the printer state the bytes change.
type decoder struct {
	in  []byte
	off int
	r   Receipt
	gb  *encoding.Decoder

	align, size byte
	bold        bool
	chinese     bool   // FS & seen: bytes ≥ 0x80 are GB18030
	qr          []byte // the symbol data stored by GS ( k fn 80, if any

	line    Line // the line being filled, once started
	started bool
}

const (
	ht  = 0x09
	lf  = 0x0a
	cr  = 0x0d
	dle = 0x10
	eot = 0x04
	esc = 0x1b
	fs  = 0x1c
	gs  = 0x1d
)

func (d *decoder) step() error {
	switch c := d.in[d.off]; {
	case c >= 0x20:
		return d.text()
	case c == lf:
		d.add("LF", 1, nil, nil)
		d.endLine()
	case c == cr:
		d.add("CR", 1, nil, nil)
	case c == ht:
		d.add("HT", 1, nil, nil)
		d.put(" ")
	case c == esc:
		return d.esc()
	case c == gs:
		return d.gs()
	case c == fs:
		return d.fs()
	case c == dle:
		return d.dle()
	default:
		return d.errorf("unknown control byte %#02x", c)
	}
	return nil
}

// add records a command of n bytes at the offset and moves past it.
func (d *decoder) add(name string, n int, args, data []byte) {
	d.r.Commands = append(d.r.Commands, Command{Name: name, Args: args, Data: data, Off: d.off, Len: n})
	d.off += n
}

func (d *decoder) errorf(format string, args ...any) error {
	return &Error{Off: d.off, Msg: fmt.Sprintf(format, args...)}
}

// need returns the n bytes from the offset, or an error naming the command.
func (d *decoder) need(name string, n int) ([]byte, error) {
	if d.off+n > len(d.in) {
		return nil, d.errorf("%s: truncated: %d bytes, want %d", name, len(d.in)-d.off, n)
	}
	return d.in[d.off : d.off+n], nil
}

// text decodes a run of printable bytes: GB18030 never has a byte below
// 0x20 inside a character, so a run ends where a control byte begins.
func (d *decoder) text() error {
	end := d.off
	for end < len(d.in) && d.in[end] >= 0x20 {
		end++
	}
	raw := d.in[d.off:end]
	if !d.chinese && !isASCII(raw) {
		return d.errorf("bytes above 0x7f outside Chinese mode (FS &)")
	}
	s, err := d.gb.Bytes(raw)
	if err != nil {
		return d.errorf("GB18030: %v", err)
	}
	d.r.Commands = append(d.r.Commands, Command{Name: "text", Data: raw, Text: string(s), Off: d.off, Len: len(raw)})
	d.off = end
	d.put(string(s))
	return nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// put adds text to the line, starting it in the current style if needed.
func (d *decoder) put(s string) {
	if !d.started {
		d.line = Line{Align: d.align, Bold: d.bold, Size: d.size}
		d.started = true
	}
	d.line.Text += s
}

// endLine prints the line being filled, or a blank line in the current style.
func (d *decoder) endLine() {
	if !d.started {
		d.line = Line{Align: d.align, Bold: d.bold, Size: d.size}
	}
	d.r.Lines = append(d.r.Lines, d.line)
	d.started = false
}

// reset is ESC @: styles back to default, the unprinted line and the
// stored symbol discarded.
func (d *decoder) reset() {
	d.align, d.size, d.bold, d.chinese, d.qr = 0, 0, false, false, nil
	d.started = false
}
