package storage_test

import (
	"errors"
	"testing"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/storage/storagetest"
)

// An Alipay tender refunded in cash is stored as a cash refund of that
// tender: the drawer is credited, no provider payment is named (so the
// reconciliation, which reads refunds by payment, expects none), and it
// counts against the tender with the refunds of it by Alipay.
func TestCashRefundOfWalletTenderStored(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 2)
	no, err := db.NextSaleNo(ctx, pos.BusinessDay(at, shanghai), "01", "01")
	must(t, err)
	s, err := storagetest.SplitSale("s1", no, at, ps[0], ps[1])
	must(t, err)
	must(t, db.SaveSale(ctx, s))
	paid := s.Tenders[0].Amount
	r, err := pos.NewCashRefund(s, 0, paid-1, nil, "r1", "", at)
	must(t, err)
	r, err = r.Done("e-r1", at)
	must(t, err)
	must(t, db.SaveRefund(ctx, r, nil))

	got, err := db.Refunds(ctx, "s1")
	must(t, err)
	if len(got) != 1 || got[0].Kind != pos.TenderCash || got[0].PaymentID != "" || got[0].Tender != 0 {
		t.Fatalf("refunds %+v", got)
	}
	byPay, err := db.RefundsOfPayments(ctx, []string{s.Tenders[0].PaymentID})
	must(t, err)
	if len(byPay) != 0 {
		t.Errorf("refunds of the Alipay payment %+v; the cash refund is none of them", byPay)
	}
	bal := ledger.Balances([]ledger.Entry{got[0].Entry})
	if bal[ledger.Cash] != -(paid - 1) {
		t.Errorf("refund entry balances %v", bal)
	}
	over, err := pos.NewRefund(s, 0, 2, nil, "r2", "", at) // made without the prior refund: storage sums again
	must(t, err)
	over.Kind, over.PaymentID = pos.TenderCash, ""
	if over, err = over.Done("e-r2", at); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveRefund(ctx, over, nil); !errors.Is(err, pos.ErrOverRefund) {
		t.Errorf("a second refund past the tender: %v, want ErrOverRefund", err)
	}
}
