package storage_test

import (
	"errors"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
)

// A late success and the cash sale of the same cart race: whichever
// transaction comes first, the other sees it. A sale that leaves out a
// succeeded payment of its cart is refused; a late success for a sale
// already saved is not recorded as paying it.
func TestLateSuccessAndSaleSeeEachOther(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 2)

	// The payment first: the cash sale is refused, nothing written.
	s1, err := storagetest.Sale("late1", "01-01-20261125-0001", at, ps...)
	must(t, err)
	p1, _ := pos.NewPayment("payl1", s1.ID, pos.Alipay, pos.ModeCode, 300, at.Add(-time.Minute))
	p1.State = pos.PaySucceeded
	saved, err := db.SavePaymentUnlessSold(ctx, p1)
	if err != nil || !saved {
		t.Fatalf("late success before the sale: saved %v, %v", saved, err)
	}
	if err := db.SaveSale(ctx, s1); !errors.Is(err, pos.ErrPaymentArrived) {
		t.Fatalf("a sale leaving out a succeeded payment: %v", err)
	}
	if _, err := db.Sale(ctx, s1.ID); pos.ErrorCode(err) != pos.CodeNotFound {
		t.Errorf("the refused sale was written: %v", err)
	}

	// The sale first: the late success is not saved (it is to be refunded).
	s2, err := storagetest.Sale("late2", "01-01-20261125-0002", at, ps...)
	must(t, err)
	must(t, db.SaveSale(ctx, s2))
	p2, _ := pos.NewPayment("payl2", s2.ID, pos.Alipay, pos.ModeCode, 300, at.Add(-time.Minute))
	p2.State = pos.PaySucceeded
	saved, err = db.SavePaymentUnlessSold(ctx, p2)
	if err != nil || saved {
		t.Fatalf("late success after the sale: saved %v, %v", saved, err)
	}
	if _, err := db.Payment(ctx, p2.ID); pos.ErrorCode(err) != pos.CodeNotFound {
		t.Errorf("the late success was written: %v", err)
	}
}
