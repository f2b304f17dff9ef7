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

// payAmount is what the wallet payment starting now takes: the amount F9
// or F11 read (set in nextAmount just before the payment starts), once;
// else all that remains due.
func (s *checkoutScreen) payAmount() money.Fen {
	amount := s.nextAmount
	s.nextAmount = 0
	if amount <= 0 || amount > s.remaining() {
		return s.remaining()
	}
	return amount
}
