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

// A WeChat tender refunded in cash: booked to the drawer, no provider
// payment named, and it counts against the WeChat tender.
func TestCashRefundOfWalletTender(t *testing.T) {
	s := &pos.Sale{ID: "s1", No: "n1", Total: 1000, Tenders: []pos.Tender{
		{Kind: pos.TenderWechat, Amount: 1000, PaymentID: "p1"}}}
	r, err := pos.NewCashRefund(s, 0, 400, nil, "r1", "no network", at)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != pos.TenderCash || r.PaymentID != "" || r.Tender != 0 || !r.OtherTender(s) {
		t.Fatalf("refund %+v", r)
	}
	r, err = r.Done("e1", at)
	if err != nil {
		t.Fatal(err)
	}
	bal := ledger.Balances([]ledger.Entry{r.Entry})
	if bal[ledger.Cash] != -400 || bal[ledger.Refunds] != 400 || len(bal) != 2 {
		t.Errorf("balances %v: want the drawer credited, refunds debited", bal)
	}
	if left := pos.Refundable(s, 0, []pos.Refund{r}); left != 600 {
		t.Errorf("refundable after it %v, want 6.00", left)
	}
	if _, err := pos.NewCashRefund(s, 0, 601, []pos.Refund{r}, "r2", "", at); !errors.Is(err, pos.ErrOverRefund) {
		t.Errorf("over-refund in cash: %v", err)
	}
}
