package ui

import (
	"strings"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Split tender: an amount typed in the scan field before F9 or F11 is what
// that wallet payment takes (¥20 by WeChat, the rest in cash or by another
// wallet); with the field empty it takes all that remains due. The rest is
// paid as usual: F12 for cash, F9 / F11 again for another payment.

// errSplitAmount refuses an amount that is not more than nothing and at
// most what remains due.
var errSplitAmount = pos.Errorf(pos.CodeInvalid, "ui: a part payment is more than 0 and at most what remains due")

// partAmount reads the amount of the next wallet payment from the scan
// field: what remains due when it is empty.
func (s *checkoutScreen) partAmount() (money.Fen, error) {
	left := s.remaining()
	text := strings.TrimSpace(s.scan.Text)
	if text == "" {
		return left, nil
	}
	amount, err := money.Parse(text)
	if err != nil || amount <= 0 || amount > left {
		return 0, errSplitAmount
	}
	return amount, nil
}

// takePartAmount reads the next payment's amount and clears the field,
// which then waits for the payment code; ok is false (and the cashier is
// told) when the amount is wrong.
func (s *checkoutScreen) takePartAmount() (money.Fen, bool) {
	amount, err := s.partAmount()
	if err != nil {
		s.showError(err)
		return 0, false
	}
	s.scan.SetText("")
	return amount, true
}

// payAmount is what a wallet payment starting now takes: part, the amount
// F9 or F11 read, or all that remains due when part is 0. A part no longer
// within what is due (another payment came in meanwhile) is refused.
func (s *checkoutScreen) payAmount(part money.Fen) (money.Fen, error) {
	switch left := s.remaining(); {
	case part == 0:
		return left, nil
	case part < 0 || part > left:
		return 0, errSplitAmount
	default:
		return part, nil
	}
}
