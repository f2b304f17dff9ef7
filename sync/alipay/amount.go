package alipay

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"zhanggui/pos/money"
)

// maxAmount is Alipay's upper bound for one trade: ¥100,000,000.00.
const maxAmount = 100_000_000 * money.Yuan

// yuanString formats an amount the way Alipay takes it, "88.88", checking
// Alipay's range [0.01, 100000000]: a wrong amount is refused before it
// leaves the till.
func yuanString(f money.Fen) (string, error) {
	if f < 1 || f > maxAmount {
		return "", fmt.Errorf("alipay: amount %d fen outside [0.01, 100000000] yuan", int64(f))
	}
	return f.String(), nil
}

// parseYuan reads an amount Alipay sent ("88.88", "88.8", "88") exactly.
func parseYuan(a amountText) (money.Fen, error) {
	f, err := money.Parse(string(a))
	if err != nil {
		return 0, fmt.Errorf("alipay: amount %q: %w", string(a), ErrMalformed)
	}
	return f, nil
}

// subject cleans an order title: Alipay forbids / = & in it and takes at
// most 256 characters, and it is required.
func subject(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '=' || r == '&' || r < ' ' {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" {
		return "掌柜收银"
	}
	if utf8.RuneCountInString(s) > 256 {
		s = string([]rune(s)[:256])
	}
	return s
}

// maskBuyer shows a buyer account the way receipts do. Alipay already masks
// buyer_logon_id ("159****5620"); an unmasked phone or e-mail is masked
// here, so a change on Alipay's side never prints a full account.
func maskBuyer(s string) string {
	switch {
	case s == "" || strings.Contains(s, "*"):
		return s
	case strings.Contains(s, "@"):
		name, domain, _ := strings.Cut(s, "@")
		if name == "" {
			return "***@" + domain
		}
		_, n := utf8.DecodeRuneInString(name)
		return name[:n] + "***@" + domain
	case len(s) >= 7:
		return s[:3] + "****" + s[len(s)-4:]
	}
	return "****"
}
