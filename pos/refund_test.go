package pos_test

import (
	"errors"
	"testing"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
)

func TestRefunds(t *testing.T) {
	var c pos.Cart
	must(t, c.Add(chips, 2000)) // 15.00
	s, err := c.Checkout(pos.Checkout{ID: "s1", No: "n1", EntryID: "e1", At: at, Tenders: []pos.Tender{
		{Kind: pos.TenderCash, Amount: 500}, {Kind: pos.TenderAlipay, Amount: 1000, PaymentID: "p1"}}})
	must(t, err)
	r1, err := pos.NewRefund(s, 1, 600, nil, "r1", "", at)
	must(t, err)
	if r1.PaymentID != "p1" || r1.Kind != pos.TenderAlipay {
		t.Errorf("refund %+v", r1)
	}
	if _, err := pos.NewRefund(s, 1, 401, []pos.Refund{r1}, "r2", "", at); !errors.Is(err, pos.ErrOverRefund) {
		t.Errorf("over-refund: %v", err)
	}
	failed := r1
	failed.State = pos.RefundFailed
	if left := pos.Refundable(s, 1, []pos.Refund{failed}); left != 1000 {
		t.Errorf("a failed refund counted: %v left", left)
	}
	r1, err = r1.Done("e2", at)
	must(t, err)
	bal := ledger.Balances([]ledger.Entry{s.Entry, r1.Entry})
	if bal[ledger.AlipayClearing] != 400 || bal[ledger.Refunds] != 600 {
		t.Errorf("balances after refund %v", bal)
	}
	if _, err := pos.NewRefund(s, 0, 0, nil, "r3", "", at); err == nil {
		t.Error("a zero refund was accepted")
	}
}
