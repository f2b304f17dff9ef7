package pos

import (
	"strings"
	"unicode/utf8"
)

// SplitQty reads what the cashier types into the scan field: a code or
// search text, optionally preceded by a quantity and '*' (or x, ×):
// "3*6901234567892", "0.356*苹果". It returns the text after the quantity
// and the quantity, 0 when none was typed (or the part before '*' is no
// quantity, in which case the whole text is the code).
func SplitQty(text string) (string, Qty) {
	text = strings.TrimSpace(text)
	i := strings.IndexAny(text, "*xX×")
	if i <= 0 {
		return text, 0
	}
	q, err := ParseQty(text[:i])
	if err != nil {
		return text, 0
	}
	_, size := utf8.DecodeRuneInString(text[i:])
	return strings.TrimSpace(text[i+size:]), q
}

// CheckEditable refuses changes to a cart's lines once any payment for it
// has been taken or is still pending: the customer paid for exactly these.
func CheckEditable(ps []Payment) error {
	if Paid(ps) > 0 || Pending(ps) {
		return ErrCartLocked
	}
	return nil
}
