package printer

import (
	"strings"
	"unicode/utf8"
)

// sanitize returns s as the printer will print it: control characters,
// invalid UTF-8 and characters GB18030 cannot carry faithfully become '?'.
// A control byte left in a product name would reach the printer as a command
// (ESC p opens the drawer), so none survives.
func sanitize(s string) string {
	if isPlainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s { // invalid UTF-8 arrives as utf8.RuneError
		if !printable(r) {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// printable reports whether r survives the trip to the printer and back.
// GB18030 encodes every Unicode code point, but golang.org/x/text maps the
// private use area U+E000–U+F8FF to other code points (TestPrintableRoundTrip
// checks every rune), and no printer font has glyphs for private use anyway.
func printable(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0: // C0, DEL, C1 controls
		return false
	case r == utf8.RuneError: // invalid UTF-8, or a character already lost
		return false
	case r >= 0xe000 && r <= 0xf8ff, r >= 0xf0000: // private use
		return false
	}
	return true
}

// runeWidth is the columns r takes on paper. In Chinese mode the printer
// prints every multi-byte GB18030 character from its 24-dot font, twice as
// wide as an ASCII character, whatever script it belongs to.
func runeWidth(r rune) int {
	if r < utf8.RuneSelf {
		return 1
	}
	return 2
}

// RuneColumns is the columns r takes on paper: 1 for ASCII, 2 for any
// other character. An on-screen preview uses it to lay text out as printed.
func RuneColumns(r rune) int { return runeWidth(r) }

// width is the columns s takes on paper; s has been sanitized.
func width(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(" ", n)
}

// padLeft right-aligns s in a field cols wide; a wider s is left as it is.
func padLeft(s string, cols int) string { return spaces(cols-width(s)) + s }

// wrap breaks s into lines at most cols wide, between words where it can.
// Chinese text breaks between any two characters; an ASCII word breaks only
// when it alone is wider than a line. Spaces at a break are dropped. wrap
// returns at least one line, and every line holds at least one character.
func wrap(s string, cols int) []string {
	w := wrapper{cols: cols}
	for s != "" {
		n := tokenLen(s)
		w.add(s[:n])
		s = s[n:]
	}
	return w.done()
}

type wrapper struct {
	cols  int
	lines []string
	cur   strings.Builder
	curW  int
}

func (w *wrapper) add(tok string) {
	tw := width(tok)
	switch {
	case tok == " " && w.curW == 0 && len(w.lines) > 0:
		// no leading space on a continued line
	case w.curW+tw <= w.cols:
		w.put(tok, tw)
	case tok == " ":
		w.flush()
	case tw > w.cols:
		for i, r := range tok {
			if w.curW > 0 && w.curW+runeWidth(r) > w.cols {
				w.flush()
			}
			w.put(tok[i:i+utf8.RuneLen(r)], runeWidth(r))
		}
	default:
		w.flush()
		w.put(tok, tw)
	}
}

func (w *wrapper) put(s string, n int) {
	w.cur.WriteString(s)
	w.curW += n
}

func (w *wrapper) flush() {
	w.lines = append(w.lines, strings.TrimRight(w.cur.String(), " "))
	w.cur.Reset()
	w.curW = 0
}

func (w *wrapper) done() []string {
	if w.curW > 0 || len(w.lines) == 0 {
		w.flush()
	}
	return w.lines
}

// tokenLen is the length of the piece at the start of s that wrap keeps
// whole: a run of non-space ASCII (a word, a number), a single space, or a
// single other character.
func tokenLen(s string) int {
	switch c := s[0]; {
	case c >= utf8.RuneSelf:
		_, n := utf8.DecodeRuneInString(s)
		return n
	case c == ' ':
		return 1
	}
	n := 1
	for n < len(s) && s[n] != ' ' && s[n] < utf8.RuneSelf {
		n++
	}
	return n
}
