package printer

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// ESC/POS control bytes.
const (
	lf  = 0x0a
	dle = 0x10
	eot = 0x04
	esc = 0x1b
	fs  = 0x1c
	gs  = 0x1d
)

const (
	// tearFeed is the lines fed after a receipt without a cut, so that the
	// last line clears the tear bar.
	tearFeed = 4
	// Drawer pulse: on 25×2 ms, off 250×2 ms, the values drawer makers
	// publish; a shorter pulse fails to release some solenoids.
	drawerOn, drawerOff = 25, 250
	// qrPlaceholder stands for the QR symbol in the text preview.
	qrPlaceholder = "[二维码]"
)

// Encode lays d out for paper w and returns the ESC/POS bytes that print it:
// initialise (ESC @), Chinese mode (FS &) with GB18030 text, alignment
// (ESC a), emphasis (ESC E), character size (GS !), a QR code (GS ( k), and a
// partial cut (GS V 66 0) or drawer pulse (ESC p) when d asks. Characters the
// printer cannot print become '?'. It returns an error wrapping ErrInvalidDoc
// only for a Doc no printer can print: an unknown width or a bad QR payload.
func Encode(d Doc, w Width) ([]byte, error) {
	rows, err := layout(d, w)
	if err != nil {
		return nil, err
	}
	e := escpos{buf: make([]byte, 0, 64+len(rows)*(w.Columns()+8)+len(d.QR))}
	e.begin(d.OpenDrawer)
	for _, r := range rows {
		if err := e.row(r, w); err != nil {
			return nil, err
		}
	}
	e.end(d.Cut)
	return e.buf, nil
}

// EncodeText returns the receipt Encode prints, as plain text for the
// on-screen preview: one line per printed line, centred lines padded with
// spaces, the QR code as [二维码]. Large text shows at normal size. For a Doc
// that Encode rejects it returns the error's text, so the preview shows the
// bug instead of hiding it.
func EncodeText(d Doc, w Width) string {
	rows, err := layout(d, w)
	if err != nil {
		return err.Error() + "\n"
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.plain(w.Columns()))
		b.WriteByte('\n')
	}
	return b.String()
}

// plain renders r as text for a line cols wide.
func (r printRow) plain(cols int) string {
	text := r.text
	if r.qr != "" {
		text = qrPlaceholder
	}
	if r.align == alignCenter {
		text = spaces((cols-width(text))/2) + text
	}
	return text
}

// escpos accumulates the bytes of one job and the printer state they leave,
// so that a style is sent only when it changes.
type escpos struct {
	buf   []byte
	align align
	bold  bool
	size  byte
	gb    transform.Transformer
}

func (e *escpos) add(b ...byte) { e.buf = append(e.buf, b...) }

// begin resets the printer, whose state a previous job or another program
// may have left changed, and selects Chinese mode.
func (e *escpos) begin(drawer bool) {
	e.add(esc, '@', fs, '&')
	e.gb = simplifiedchinese.GB18030.NewEncoder()
	if drawer {
		e.add(esc, 'p', 0, drawerOn, drawerOff)
	}
}

func (e *escpos) end(cut bool) {
	if cut {
		e.add(gs, 'V', 66, 0) // feed to the cutter, then cut leaving a hinge
		return
	}
	for range tearFeed {
		e.add(lf)
	}
}

func (e *escpos) row(r printRow, w Width) error {
	e.style(r)
	if r.qr != "" {
		e.qr(r.qr, w)
		return nil
	}
	if err := e.text(r.text); err != nil {
		return err
	}
	e.add(lf)
	return nil
}

func (e *escpos) style(r printRow) {
	if r.align != e.align {
		e.add(esc, 'a', byte(r.align))
		e.align = r.align
	}
	if r.bold != e.bold {
		e.add(esc, 'E', boolByte(r.bold))
		e.bold = r.bold
	}
	if r.size != e.size {
		e.add(gs, '!', r.size)
		e.size = r.size
	}
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// text appends s in GB18030. s is sanitized, so every rune encodes.
func (e *escpos) text(s string) error {
	if isPlainASCII(s) {
		e.buf = append(e.buf, s...)
		return nil
	}
	// A rune takes at most twice as many bytes in GB18030 as in UTF-8
	// (U+0080–U+07FF: 2 bytes become 4), so one call has room enough.
	e.buf = slices.Grow(e.buf, 2*len(s))
	n, _, err := e.gb.Transform(e.buf[len(e.buf):cap(e.buf)], []byte(s), true)
	if err != nil {
		return fmt.Errorf("printer: encode %q as GB18030: %w", s, err)
	}
	e.buf = e.buf[:len(e.buf)+n]
	return nil
}

// qr appends the GS ( k sequence that stores and prints payload as a model 2
// QR code at error correction level M, with the largest module size (up to
// qrModuleMax dots) that keeps the symbol and its quiet zone on the paper.
func (e *escpos) qr(payload string, w Width) {
	e.add(gs, '(', 'k', 4, 0, 49, 65, 50, 0)                     // model 2
	e.add(gs, '(', 'k', 3, 0, 49, 67, qrModule(len(payload), w)) // module size
	e.add(gs, '(', 'k', 3, 0, 49, 69, 49)                        // error correction M
	n := len(payload) + 3
	e.add(gs, '(', 'k', byte(n), byte(n>>8), 49, 80, 48) // store
	e.buf = append(e.buf, payload...)
	e.add(gs, '(', 'k', 3, 0, 49, 81, 48) // print
}

// qrModuleMax is the largest module size used, in dots: a short URL then
// prints about 25 mm wide, which every phone reads.
const qrModuleMax = 6

// qrCapacityM[v-1] is how many bytes a version v QR symbol holds at error
// correction level M in byte mode (ISO/IEC 18004 table 7). The printer picks
// the version; byte mode is the largest it can need.
var qrCapacityM = [40]int{
	14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
	711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911,
	1989, 2099, 2213, 2331,
}

// qrModule returns the module size for a payload of n bytes on paper w.
func qrModule(n int, w Width) byte {
	version := len(qrCapacityM)
	for v, c := range qrCapacityM {
		if n <= c {
			version = v + 1
			break
		}
	}
	modules := 17 + 4*version + 8 // the symbol and a quiet zone of 4 on each side
	return byte(max(1, min(qrModuleMax, w.Dots()/modules)))
}
