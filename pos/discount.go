package pos

import (
	"strconv"
	"strings"

	"zhanggui/pos/money"
)

// ParseDiscount reads a discount as a cashier types it: "10%" (ten percent
// off), "8.5折" or "85折" (pay 85%), "5" or "5.50" (yuan off), "" or "0" (none).
func ParseDiscount(s string) (Discount, error) {
	s = strings.TrimSpace(s)
	bad := func() (Discount, error) {
		return Discount{}, Errorf(CodeInvalid, "pos: discount %q: %w", s, ErrBadDiscount)
	}
	switch {
	case s == "" || s == "0":
		return Discount{}, nil
	case strings.HasSuffix(s, "%"):
		bp, ok := hundredths(strings.TrimSuffix(s, "%"))
		if !ok || bp <= 0 || bp > 10000 {
			return bad()
		}
		return Discount{Percent: bp}, nil
	case strings.HasSuffix(s, "折"):
		n := strings.TrimSuffix(s, "折")
		tenths, ok := hundredths(n)                                        // "8.5" → 850 hundredths of a 折
		if ok && !strings.Contains(n, ".") && len(n) == 2 && n[1] != '0' { // "85折" means 8.5折
			tenths /= 10
		}
		if !ok || tenths <= 0 || tenths >= 1000 {
			return bad()
		}
		return Discount{Percent: 10000 - tenths*10}, nil
	}
	f, err := money.Parse(strings.TrimPrefix(s, "¥"))
	if err != nil || f == 0 {
		return bad()
	}
	return Discount{Amount: f}, nil
}

// hundredths reads "12", "12.5" or "12.34" as hundredths: 1200, 1250, 1234.
func hundredths(s string) (int64, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 5 || len(frac) > 2 || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, false
	}
	frac += "00"[len(frac):]
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, true
}

// String shows d as the cashier typed it: "10%", "¥5.00", "".
func (d Discount) String() string {
	switch {
	case d.Percent > 0:
		s := strconv.FormatInt(d.Percent/100, 10)
		if r := d.Percent % 100; r != 0 {
			s += "." + strings.TrimRight(strconv.FormatInt(100+r, 10)[1:], "0")
		}
		return s + "%"
	case d.Amount > 0:
		return d.Amount.Yuan()
	}
	return ""
}
