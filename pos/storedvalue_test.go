package pos_test

import (
	"errors"
	"testing"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
)

// The stored-value hook: a tender within the balance, booked against the
// members' liability; over the balance it is refused.
func TestStoredValueTender(t *testing.T) {
	td, err := pos.StoredValueTender("M0001", 1200, 5000)
	if err != nil || td.Kind != pos.TenderStoredValue || td.Amount != 1200 || td.Ref != "M0001" {
		t.Fatalf("tender %+v, %v", td, err)
	}
	if acct, err := td.Kind.Account(); err != nil || acct != ledger.StoredValue {
		t.Errorf("booked to %s, %v; want the stored-value liability", acct, err)
	}
	if _, err := pos.StoredValueTender("M0001", 5001, 5000); !errors.Is(err, pos.ErrOverBalance) {
		t.Errorf("over the balance: %v", err)
	}
	for _, bad := range []struct {
		member string
		amount int64
	}{{"", 100}, {"M0001", 0}, {"M0001", -5}} {
		if _, err := pos.StoredValueTender(bad.member, money.Fen(bad.amount), 5000); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
