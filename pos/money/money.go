// Package money holds amounts of Chinese yuan as integer fen. No float64 ever
// holds money. The scale is fixed for good: changing it means migrating every row.
package money

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Fen is an amount in fen (分); 100 fen make one yuan.
type Fen int64

// MaxFen bounds every amount accepted (¥1,000,000,000), far below the int64
// limit, so sums cannot overflow.
const MaxFen Fen = 100_000_000_000

// Units for rounding.
const (
	Fen1 Fen = 1   // one fen
	Jiao Fen = 10  // one jiao (角)
	Yuan Fen = 100 // one yuan (元)
)

// String formats f as yuan with two decimals: "12.30", "-0.05".
func (f Fen) String() string {
	sign, abs := "", int64(f)
	if abs < 0 {
		sign, abs = "-", -abs
	}
	return fmt.Sprintf("%s%d.%02d", sign, abs/100, abs%100)
}

// Yuan formats f for a screen or a receipt: "¥12.30", "-¥0.05".
func (f Fen) Yuan() string {
	if f < 0 {
		return "-¥" + (-f).String()
	}
	return "¥" + f.String()
}

// Parse reads a non-negative yuan amount: "12", "12.3", "12.30". It rejects
// signs, exponents, spaces, separators and a third decimal: a wrong guess
// about money costs more than an error message.
func Parse(s string) (Fen, error) {
	digits := func(d string) bool { return d != "" && strings.Trim(d, "0123456789") == "" }
	whole, frac, dot := strings.Cut(s, ".")
	if !digits(whole) || len(whole) > 9 || dot && (!digits(frac) || len(frac) > 2) {
		return 0, fmt.Errorf("money: bad amount %q", s)
	}
	frac += "00"[len(frac):]                   // "3" → "30"
	yuan, _ := strconv.ParseInt(whole, 10, 64) // at most 9 digits: cannot fail
	fen, _ := strconv.ParseInt(frac, 10, 64)
	return Fen(yuan*100 + fen), nil
}

// MulQty prices qtyMilli thousandths of a unit (0.356 kg is 356) at price per
// unit, rounded half up to the fen, as the receipt prints it.
func MulQty(price Fen, qtyMilli int64) Fen {
	if price < 0 || qtyMilli < 0 {
		panic("money.MulQty: negative input")
	}
	hi, lo := bits.Mul64(uint64(price), uint64(qtyMilli))
	lo, carry := bits.Add64(lo, 500, 0)
	hi += carry
	if hi >= 1000 {
		panic("money.MulQty: overflow")
	}
	q, _ := bits.Div64(hi, lo, 1000)
	return Fen(q)
}

// Percent returns bp basis points (1/100 of a percent) of f, rounded half up:
// Percent(999, 1000) is 10% of ¥9.99 = 100 fen.
func Percent(f Fen, bp int64) Fen {
	if f < 0 || bp < 0 || bp > 10000 {
		panic("money.Percent: input out of range")
	}
	return Fen((int64(f)*bp + 5000) / 10000)
}

// Floor rounds f down to a multiple of unit (抹零: the customer never pays
// more than the exact total).
func Floor(f, unit Fen) Fen {
	if unit <= 0 || f < 0 {
		panic("money.Floor: input out of range")
	}
	return f - f%unit
}

// Allocate splits total in proportion to weights (an order discount over its
// lines). Parts round down; the fen lost go one each to the first parts with a
// positive weight, so parts add up to total and a reprint shows the same
// split. Our own code computes the inputs, so bad ones panic.
func Allocate(total Fen, weights []Fen) []Fen {
	var sum Fen
	for _, w := range weights {
		if w < 0 || w > MaxFen {
			panic("money.Allocate: weight out of range")
		}
		sum += w
	}
	if total < 0 || total > MaxFen || (sum == 0 && total != 0) {
		panic("money.Allocate: total out of range or no positive weight")
	}
	parts := make([]Fen, len(weights))
	if total == 0 {
		return parts
	}
	var given Fen
	for i, w := range weights {
		// total×w can pass 2^63: multiply in 128 bits. The quotient is at
		// most total, so Div64 cannot overflow.
		hi, lo := bits.Mul64(uint64(total), uint64(w))
		q, _ := bits.Div64(hi, lo, uint64(sum))
		parts[i] = Fen(q)
		given += parts[i]
	}
	for i := 0; given < total; i++ { // fewer fen remain than positive weights
		if weights[i] > 0 {
			parts[i]++
			given++
		}
	}
	return parts
}
