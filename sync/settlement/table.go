package settlement

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zhanggui/pos/money"
)

// The parts every bill format shares: decoding, lines, CSV cells, headers
// by name, exact yuan amounts and Beijing times.

// MaxBillBytes bounds what one bill may unpack to (a zip or gzip bomb, or
// the wrong file): a month of a busy shop's Alipay bill is a few MB.
const MaxBillBytes = 1 << 30

// errTooLarge means a bill unpacks to more than MaxBillBytes.
var errTooLarge = fmt.Errorf("unpacks to more than %d bytes", MaxBillBytes)

// readAllMax reads r up to MaxBillBytes.
func readAllMax(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBillBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxBillBytes {
		return nil, errTooLarge
	}
	return b, nil
}

// gunzip unpacks data if it is gzip, else returns it as is.
func gunzip(data []byte) ([]byte, error) {
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return data, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	defer zr.Close() // read only
	b, err := readAllMax(zr)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return b, nil
}

// decodeText turns a bill's bytes into text: UTF-8 (with or without a
// BOM) as is, anything else read as GB18030, the superset of the GBK
// Alipay writes. Chinese text in GBK is practically never valid UTF-8.
func decodeText(b []byte) string {
	if rest, ok := bytes.CutPrefix(b, []byte("\xef\xbb\xbf")); ok {
		return string(rest)
	}
	if utf8.Valid(b) {
		return string(b)
	}
	s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil { // the decoder replaces bad bytes; an error is not expected
		return string(b)
	}
	return string(s)
}

// lines splits text into lines without their CR/LF; lines[i] is line i+1.
func lines(text string) []string {
	ls := strings.Split(text, "\n")
	if n := len(ls); n > 0 && ls[n-1] == "" {
		ls = ls[:n-1]
	}
	for i, l := range ls {
		ls[i] = strings.TrimSuffix(l, "\r")
	}
	return ls
}

var errQuote = errors.New("a quoted cell is not closed, or text follows its closing quote")

// splitCSV splits one line into cells, appending to cells[:0]. A cell that
// starts with a double quote runs to the matching quote ("" is a quote
// inside it); other cells run to the next comma. Bills never break a cell
// over two lines.
func splitCSV(line string, cells []string) ([]string, error) {
	cells = cells[:0]
	for {
		if !strings.HasPrefix(line, `"`) {
			cell, rest, more := strings.Cut(line, ",")
			cells = append(cells, cell)
			if !more {
				return cells, nil
			}
			line = rest
			continue
		}
		cell, rest, err := quoted(line[1:])
		if err != nil {
			return cells, err
		}
		cells = append(cells, cell)
		if rest == "" {
			return cells, nil
		}
		line = rest[1:] // rest starts with the comma
	}
}

// quoted reads a quoted cell's text (after its opening quote) and returns
// it with what follows its closing quote: "" or a comma and more.
func quoted(s string) (cell, rest string, err error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			return "", "", errQuote
		}
		b.WriteString(s[:i])
		s = s[i+1:]
		if strings.HasPrefix(s, `"`) { // "" inside a quoted cell
			b.WriteByte('"')
			s = s[1:]
			continue
		}
		if s != "" && s[0] != ',' {
			return "", "", errQuote
		}
		return b.String(), s, nil
	}
}

// clean trims what bills put around a value: spaces, the TAB Alipay adds
// to keep Excel from reformatting, WeChat's backtick prefix, a BOM.
func clean(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.TrimPrefix(s, "`")
	return strings.TrimSpace(s)
}

// headerKey normalises a header cell so spellings match: cleaned, with
// full-width parentheses made half-width and inner spaces dropped.
func headerKey(s string) string {
	s = clean(s)
	s = strings.NewReplacer("（", "(", "）", ")", " ", "", "\u3000", "").Replace(s)
	return s
}

// column is one column a parser reads, by its header key and aliases.
type column struct {
	names    []string // header keys (headerKey form) that name it, preferred first
	required bool
}

// header maps a parser's columns to positions in a file.
type header struct {
	pos   []int    // per column: its index in a row, or -1
	names []string // per column: the header as the file spells it
	width int      // cells in the header row
}

// readHeader finds cols in the header cells. It returns the required
// columns that are missing, as named by their first name.
func readHeader(cells []string, cols []column) (header, []string) {
	at := make(map[string]int, len(cells))
	for i, c := range cells {
		if k := headerKey(c); k != "" {
			if _, dup := at[k]; !dup {
				at[k] = i
			}
		}
	}
	h := header{pos: make([]int, len(cols)), names: make([]string, len(cols)), width: len(cells)}
	var missing []string
	for ci, c := range cols {
		h.pos[ci] = -1
		for _, n := range c.names {
			if i, ok := at[n]; ok {
				h.pos[ci], h.names[ci] = i, clean(cells[i])
				break
			}
		}
		if h.pos[ci] < 0 && c.required {
			missing = append(missing, c.names[0])
		}
	}
	return h, missing
}

// get returns column ci's cleaned cell of a row; "" when the file has no
// such column or the row is short.
func (h *header) get(cells []string, ci int) string {
	if i := h.pos[ci]; i >= 0 && i < len(cells) {
		return clean(cells[i])
	}
	return ""
}

// has reports whether the file has column ci.
func (h *header) has(ci int) bool { return h.pos[ci] >= 0 }

// parseYuan reads a signed yuan amount exactly: "12.30", "-0.06", "+1",
// "0". A third decimal, a separator or an exponent is an error, never
// rounded: a wrong guess about money costs more than an error message.
func parseYuan(s string) (money.Fen, error) {
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	f, err := money.Parse(s)
	if err != nil {
		return 0, fmt.Errorf("bad amount %q", s)
	}
	if neg {
		f = -f
	}
	return f, nil
}

// timeLayout is how bills write times, in Beijing time.
const timeLayout = "2006-01-02 15:04:05"

// parseTime reads a bill time.
func parseTime(s string) (time.Time, error) {
	t, err := time.ParseInLocation(timeLayout, s, Beijing)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q, want YYYY-MM-DD hh:mm:ss", s)
	}
	return t, nil
}

// cellReader reads typed cells of one row, recording problems.
type cellReader struct {
	h     *header
	cells []string
	line  int
	p     *problems
	bad   bool
}

func (r *cellReader) text(ci int) string { return r.h.get(r.cells, ci) }

// yuan reads column ci as a signed amount; empty is zero when allowed.
func (r *cellReader) yuan(ci int, emptyOK bool) money.Fen {
	f, _ := r.yuanOK(ci, emptyOK)
	return f
}

// yuanOK is yuan, and whether the cell was read.
func (r *cellReader) yuanOK(ci int, emptyOK bool) (money.Fen, bool) {
	s := r.text(ci)
	if s == "" && (emptyOK || !r.h.has(ci)) {
		return 0, true
	}
	f, err := parseYuan(s)
	if err != nil {
		r.fail(ci, err)
		return 0, false
	}
	return f, true
}

// time reads column ci as a Beijing time.
func (r *cellReader) time(ci int) time.Time {
	t, err := parseTime(r.text(ci))
	if err != nil {
		r.fail(ci, err)
	}
	return t
}

// need reads column ci as non-empty text.
func (r *cellReader) need(ci int) string {
	s := r.text(ci)
	if s == "" {
		r.fail(ci, errors.New("empty"))
	}
	return s
}

func (r *cellReader) fail(ci int, err error) {
	r.bad = true
	r.p.add(r.line, r.h.names[ci], err)
}

// failf records a problem with the whole row.
func (r *cellReader) failf(ci int, format string, args ...any) {
	r.fail(ci, fmt.Errorf(format, args...))
}

// abs returns |f| and whether f was negative.
func abs(f money.Fen) (money.Fen, bool) {
	if f < 0 {
		return -f, true
	}
	return f, false
}
