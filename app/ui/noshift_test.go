package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"zhanggui/pos"
)

// A shop that uses shifts takes no payment while none is open: the cash
// dialog says to open a shift, and the cart stays as it was.
func TestCheckoutWithNoShiftOpenKeepsTheCart(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	float := pos.Count{10000: 1}
	sh, err := f.db.OpenShift(ctx, pos.ShiftOpening{ID: "sh1", Till: "S1-T1", Cashier: "店主", Float: float})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CloseShift(ctx, pos.ShiftClosing{ID: "c1", ShiftID: sh.ID, By: "店主", Counted: float}, 1<<40); err != nil {
		t.Fatal(err)
	}
	f.scan("6901234567892")
	f.scan("6901234567892")
	f.key(fyne.KeyF12)
	if f.app.pay == nil {
		t.Fatal("F12 opened no cash dialog")
	}
	test.Type(f.app.pay.received, "10")
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if f.app.pay == nil || f.app.pay.msg.Text != cashierMessage(pos.ErrNoShift) {
		t.Fatalf("cash dialog %+v: want it open with %q", f.app.pay, cashierMessage(pos.ErrNoShift))
	}
	c := f.app.checkout.cart
	if len(c.Lines) != 1 || c.Lines[0].Qty != 2*pos.OnePiece || f.app.checkout.lastSale != nil {
		t.Fatalf("cart after the refusal: %+v (last sale %v)", c.Lines, f.app.checkout.lastSale)
	}
	if s, err := f.db.Sale(ctx, c.ID); err == nil {
		t.Fatalf("a sale was booked: %+v", s)
	}
}
