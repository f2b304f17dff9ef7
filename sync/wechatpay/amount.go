package wechatpay

import (
	"fmt"
	"strconv"
	"strings"

	"zhanggui/pos/money"
)

// fenString formats an amount the way WeChat Pay takes it: integer fen,
// "8888" for ¥88.88. Zero, negative and absurd amounts are refused before
// they leave the till.
func fenString(f money.Fen) (string, error) {
	if f < 1 || f > money.MaxFen {
		return "", fmt.Errorf("wechatpay: amount %d fen out of range", int64(f))
	}
	return strconv.FormatInt(int64(f), 10), nil
}

// parseFen reads an amount WeChat Pay sent: integer fen, digits only, no
// sign, no leading zeros, at most money.MaxFen.
func parseFen(s string) (money.Fen, error) {
	switch {
	case s == "" || len(s) > 12 || strings.Trim(s, "0123456789") != "":
		return 0, fmt.Errorf("wechatpay: amount %q is not fen: %w", s, ErrMalformed)
	case len(s) > 1 && s[0] == '0':
		return 0, fmt.Errorf("wechatpay: amount %q has a leading zero: %w", s, ErrMalformed)
	}
	n, _ := strconv.ParseInt(s, 10, 64) // at most 12 digits: cannot fail
	if money.Fen(n) > money.MaxFen {
		return 0, fmt.Errorf("wechatpay: amount %q out of range: %w", s, ErrMalformed)
	}
	return money.Fen(n), nil
}

// maskOpenID shortens a payer's openid for receipts and logs: WeChat gives
// no account name, and the openid is a stable identifier of the person.
func maskOpenID(s string) string {
	if len(s) <= 8 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + "****" + s[len(s)-4:]
}
