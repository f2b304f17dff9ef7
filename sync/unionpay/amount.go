package unionpay

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"zhanggui/pos/money"
)

// fenAmount is an amount as the acquirer sends it: a JSON integer of fen.
// It is read from the number's text, so 1.5, 1e3 and -1 are errors, not
// guesses.
type fenAmount struct {
	fen money.Fen
	set bool
}

// UnmarshalJSON reads a JSON integer of fen strictly.
func (a *fenAmount) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	f, err := parseFen(string(b))
	if err != nil {
		return err
	}
	a.fen, a.set = f, true
	return nil
}

// parseFen reads a non-negative integer of fen: digits only, no leading
// zeros, at most money.MaxFen.
func parseFen(s string) (money.Fen, error) {
	switch {
	case s == "" || len(s) > 12 || strings.Trim(s, "0123456789") != "":
		return 0, fmt.Errorf("unionpay: amount %q is not an integer of fen", s)
	case len(s) > 1 && s[0] == '0':
		return 0, fmt.Errorf("unionpay: amount %q has a leading zero", s)
	}
	n, _ := strconv.ParseInt(s, 10, 64) // at most 12 digits: cannot fail
	if money.Fen(n) > money.MaxFen {
		return 0, fmt.Errorf("unionpay: amount %q out of range", s)
	}
	return money.Fen(n), nil
}

// toFen is the amount_fen of a request; zero, negative and absurd amounts
// are refused before they leave the till.
func toFen(f money.Fen) (json.Number, error) {
	if f < 1 || f > money.MaxFen {
		return "", fmt.Errorf("unionpay: amount %d fen out of range", int64(f))
	}
	return json.Number(strconv.FormatInt(int64(f), 10)), nil
}
