package storage_test

import (
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
)

// A save carrying a stale copy of a payment (another refund of it ended
// meanwhile) must fail, not lower its refunded total.
func TestRefundedTotalNeverDecreases(t *testing.T) {
	db := storagetest.NewDB(t)
	p, err := pos.NewPayment("payr1", "s1", pos.Alipay, pos.ModeCode, 1000, at.Add(-time.Second))
	must(t, err)
	p.State = pos.PaySucceeded
	must(t, db.SavePayment(ctx, p))
	fresh := p
	fresh.Refunded = 300
	must(t, db.SavePayment(ctx, fresh))
	if err := db.SavePayment(ctx, p); err == nil { // Refunded 0: stale
		t.Fatal("a stale payment lowered the refunded total")
	}
	got, err := db.Payment(ctx, p.ID)
	if err != nil || got.Refunded != 300 {
		t.Errorf("refunded %v, %v; want 3.00", got.Refunded, err)
	}
}
