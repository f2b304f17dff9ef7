package pos

import (
	"fmt"
	"strconv"
	"strings"
)

// Qty is a quantity in thousandths of a unit: 1000 is one piece, 356 is
// 0.356 kg. Weighed goods stay exact without floats.
type Qty int64

// OnePiece is the quantity of one scan.
const OnePiece Qty = 1000

// MaxQty bounds a line's quantity (99,999 units).
const MaxQty Qty = 99_999_000

// ParseQty reads "3", "0.356", "1.5": at most three decimals, positive, at
// most MaxQty.
func ParseQty(s string) (Qty, error) {
	s = strings.TrimSpace(s)
	digits := func(d string) bool { return d != "" && strings.Trim(d, "0123456789") == "" }
	whole, frac, dot := strings.Cut(s, ".")
	if !digits(whole) || len(whole) > 5 || dot && (!digits(frac) || len(frac) > 3) {
		return 0, Errorf(CodeInvalid, "pos: bad quantity %q: %w", s, ErrBadQty)
	}
	frac += "000"[len(frac):]
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	q := Qty(w*1000 + f)
	if q <= 0 || q > MaxQty {
		return 0, Errorf(CodeInvalid, "pos: quantity %q out of range: %w", s, ErrBadQty)
	}
	return q, nil
}

// String formats q without trailing zeros: "3", "0.356", "1.5".
func (q Qty) String() string {
	if q < 0 {
		return "-" + (-q).String()
	}
	s := fmt.Sprintf("%d.%03d", q/1000, q%1000)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// Whole reports whether q is a whole number of units.
func (q Qty) Whole() bool { return q%1000 == 0 }
