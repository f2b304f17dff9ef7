package pos_test

import (
	"testing"

	"zhanggui/pos"
)

// A QR the till withdrew (cancelling until it expires) holds nothing up;
// a code payment whose outcome is unknown does.
func TestWithdrawnQRDoesNotHoldTheSale(t *testing.T) {
	qr := pos.Payment{Mode: pos.ModeQR, State: pos.PayCancelling, Amount: 350}
	code := pos.Payment{Mode: pos.ModeCode, State: pos.PayCancelling, Amount: 350}
	if !qr.Withdrawn() || code.Withdrawn() {
		t.Fatalf("withdrawn: qr %v, code %v", qr.Withdrawn(), code.Withdrawn())
	}
	if pos.Pending([]pos.Payment{qr}) || pos.CheckEditable([]pos.Payment{qr}) != nil {
		t.Error("a withdrawn QR holds the sale")
	}
	if !pos.Pending([]pos.Payment{qr, code}) || pos.CheckEditable([]pos.Payment{code}) == nil {
		t.Error("a code payment in doubt does not hold the sale")
	}
	card := pos.Payment{Mode: pos.ModeCard, State: pos.PayUnknown}
	if !card.Withdrawn() || pos.Pending([]pos.Payment{card}) {
		t.Error("a card payment in doubt (always reversed) holds the sale")
	}
	if (pos.Payment{Mode: pos.ModeCard, State: pos.PayAuthorizing}).Withdrawn() {
		t.Error("a card being charged counts as withdrawn")
	}
	waiting := pos.Payment{Mode: pos.ModeQR, State: pos.PayWaiting}
	if waiting.Withdrawn() || !pos.Pending([]pos.Payment{waiting}) {
		t.Error("a QR on screen does not hold the sale")
	}
}
