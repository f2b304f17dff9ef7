package pos

import (
	"context"

	"zhanggui/pos/money"
)

// Member stored value (会员储值) is the hook the members issue fills in.
// It is a tender the till takes with no network at all: the balance is
// the shop's own liability (ledger.StoredValue, 预收账款-会员储值), kept in
// the till's database, so offline it is as good as cash. A payment by
// stored value is a tender of kind TenderStoredValue, booked in the sale's
// one transaction like any other (debit the liability, credit revenue);
// what the members issue adds is the StoredValue store that knows each
// member's balance and refuses a tender over it, in that same transaction.

// StoredValue is a member's balance as the checkout needs it.
type StoredValue interface {
	// Balance is what member may still spend; a CodeNotFound error for an
	// unknown member or card.
	Balance(ctx context.Context, member string) (money.Fen, error)
}

// ErrOverBalance refuses a stored-value tender above the member's balance.
var ErrOverBalance = Errorf(CodeInvalid, "pos: stored value: more than the member's balance")

// StoredValueTender pays amount from a member's balance. It needs no
// network (CheckOnlinePayment does not apply): offline, stored value is
// taken like cash.
func StoredValueTender(member string, amount, balance money.Fen) (Tender, error) {
	switch {
	case member == "":
		return Tender{}, Errorf(CodeInvalid, "pos: stored value: no member")
	case amount <= 0:
		return Tender{}, Errorf(CodeInvalid, "pos: stored value: amount %v", amount)
	case amount > balance:
		return Tender{}, Errorf(CodeInvalid, "pos: stored value %v of member %s with %v left: %w", amount, member, balance, ErrOverBalance)
	}
	return Tender{Kind: TenderStoredValue, Amount: amount, Ref: member}, nil
}
