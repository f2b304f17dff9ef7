package storage_test

import (
	"errors"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

var testFloat = pos.Count{10000: 2, 1000: 5, 100: 20, 50: 4, 10: 10} // ¥273.00

func openTestShift(t *testing.T, db *storage.DB, id string) pos.Shift {
	t.Helper()
	sh, err := db.OpenShift(ctx, pos.ShiftOpening{ID: id, Till: "S1-T1", Cashier: "收银员", Float: testFloat})
	must(t, err)
	return sh
}

// shiftDay opens a shift and takes a cash sale, a split sale, a cash refund
// and every kind of cash move in it; one sale before the shift belongs to none.
func shiftDay(t *testing.T, db *storage.DB) (pos.Shift, []*pos.Sale) {
	t.Helper()
	ps := storagetest.Seed(t, db, 4)
	before := newSale(t, db, "s0", storagetest.Epoch, ps[0])
	must(t, db.SaveSale(ctx, before))
	sh := openTestShift(t, db, "sh1")
	s1 := newSale(t, db, "s1", storagetest.Epoch, ps[0], ps[1])
	must(t, db.SaveSale(ctx, s1))
	s2, err := storagetest.SplitSale("s2", "S1-T1-2", storagetest.Epoch, ps[2], ps[3])
	must(t, err)
	must(t, db.SaveSale(ctx, s2))
	refund(t, db, s1, 0, 100, "r1", storagetest.Epoch, pos.RefundDone)
	for i, k := range pos.CashMoveKinds {
		m := pos.CashMove{ID: "m" + string(rune('a'+i)), ShiftID: sh.ID, Kind: k, Amount: money.Fen(1000 * (i + 1)),
			Reason: "找零", By: "收银员"}
		must(t, db.SaveCashMove(ctx, m))
		must(t, db.SaveCashMove(ctx, m)) // a retry is a no-op
	}
	return sh, []*pos.Sale{before, s1, s2}
}

func cashOf(s *pos.Sale) money.Fen {
	var c money.Fen
	for _, t := range s.Tenders {
		if t.Kind == pos.TenderCash {
			c += t.Amount
		}
	}
	return c
}

func TestShiftFiguresMatchLedger(t *testing.T) {
	db := storagetest.NewDB(t)
	sh, sales := shiftDay(t, db)
	f, err := db.ShiftFigures(ctx, sh.ID)
	must(t, err)
	wantCash := testFloat.Total() + cashOf(sales[1]) + cashOf(sales[2]) - 100 + 1000 - 2000 - 3000
	if got := f.Expected(); got != wantCash {
		t.Errorf("expected %v, want %v", got, wantCash)
	}
	if f.Sales != 2 || f.ByTender[pos.TenderCash].RefundCount != 1 || len(f.Moves) != 3 {
		t.Errorf("figures %+v", f)
	}
	closed, err := db.CloseShift(ctx, pos.ShiftClosing{ID: "c1", ShiftID: sh.ID, By: "收银员",
		Counted: pos.Count{10: int64(wantCash/10) - 30}}, 500) // about ¥3 short
	must(t, err)
	if closed.OverShort != closed.Counted.Total()-wantCash || closed.OverShort >= -300 || closed.Expected != wantCash {
		t.Errorf("closed %+v", closed)
	}
	book, err := db.ShiftLedger(ctx, sh.ID)
	must(t, err)
	f, err = db.ShiftFigures(ctx, sh.ID)
	must(t, err)
	for _, k := range pos.TenderKinds {
		if got, want := f.ByTender[k].Net(), book.Tenders[k]; got != want {
			t.Errorf("%s: the 交班单 says %v, the ledger %v", k, got, want)
		}
	}
	if got, want := testFloat.Total()+book.Cash, closed.Counted.Total(); got != want {
		t.Errorf("float + the ledger's cash of the shift = %v, counted %v", got, want)
	}
	tb, err := db.TrialBalance(ctx)
	must(t, err)
	if tb[ledger.CashOverShort] != -closed.OverShort {
		t.Errorf("over/short account %v, want %v (a shortage is a debit)", tb[ledger.CashOverShort], -closed.OverShort)
	}
}

func TestShiftCloseRules(t *testing.T) {
	db := storagetest.NewDB(t)
	sh, _ := shiftDay(t, db)
	f, err := db.ShiftFigures(ctx, sh.ID)
	must(t, err)
	exp := f.Expected()
	far := pos.Count{10: int64(exp/10) + 100} // ¥10 over
	c := pos.ShiftClosing{ID: "c1", ShiftID: sh.ID, By: "收银员", Counted: far}
	if _, err := db.CloseShift(ctx, c, 500); !errors.Is(err, pos.ErrRecountNeeded) {
		t.Fatalf("first count far off: %v", err)
	}
	c.Recounts, c.First = 1, far
	if _, err := db.CloseShift(ctx, c, 500); !errors.Is(err, pos.ErrReasonNeeded) {
		t.Fatalf("recount far off without a reason: %v", err)
	}
	if _, err := db.CloseShift(ctx, pos.ShiftClosing{ID: "c1", ShiftID: sh.ID, By: "x",
		Counted: pos.Count{10: -1}}, 500); !errors.Is(err, pos.ErrBadCount) {
		t.Fatalf("negative count: %v", err)
	}
	if cur, err := db.CurrentShift(ctx); err != nil || cur.ID != sh.ID {
		t.Fatalf("refused closes changed the shift: %+v, %v", cur, err)
	}
	// The refused recount is final: a count retyped to within the tolerance
	// is refused, with or without a reason.
	c.Recounted = far
	exact := pos.Count{10: int64(exp / 10)}
	for _, why := range []string{"", "数错了"} {
		retyped := c
		retyped.Counted, retyped.Reason = exact, why
		if _, err := db.CloseShift(ctx, retyped, 500); !errors.Is(err, pos.ErrCountFinal) {
			t.Fatalf("a count other than the final recount (reason %q): %v", why, err)
		}
	}
	c.Reason = "顾客多给"
	closed, err := db.CloseShift(ctx, c, 500)
	must(t, err)
	if closed.OverShort != far.Total()-exp || closed.Recounts != 1 {
		t.Errorf("closed %+v", closed)
	}
	if again, err := db.CloseShift(ctx, c, 500); err != nil || again.CloseSeq != closed.CloseSeq {
		t.Errorf("retried close: %+v, %v", again, err)
	}
	c.ID = "c2"
	if _, err := db.CloseShift(ctx, c, 500); !errors.Is(err, pos.ErrShiftClosed) {
		t.Errorf("second close: %v", err)
	}
	if err := db.SaveCashMove(ctx, pos.CashMove{ID: "late", ShiftID: sh.ID, Kind: pos.PaidIn, Amount: 5,
		Reason: "x", By: "a"}); !errors.Is(err, pos.ErrNoShift) {
		t.Errorf("move on a closed shift: %v", err)
	}
	if _, err := db.CurrentShift(ctx); !errors.Is(err, pos.ErrNoShift) {
		t.Errorf("current after close: %v", err)
	}
	if _, err := db.OpenShift(ctx, pos.ShiftOpening{ID: sh.ID, Till: "S1-T1", Cashier: "收银员", Float: testFloat}); !errors.Is(err, pos.ErrShiftClosed) {
		t.Errorf("reopening the closed shift: %v", err)
	}
	if _, err := db.CurrentShift(ctx); !errors.Is(err, pos.ErrNoShift) {
		t.Errorf("the refused reopen opened a shift: %v", err)
	}
}

func TestShiftCloseBlocked(t *testing.T) {
	db := storagetest.NewDB(t)
	sh := openTestShift(t, db, "sh1")
	if _, err := db.OpenShift(ctx, pos.ShiftOpening{ID: "sh2", Till: "S1-T1", Cashier: "a"}); !errors.Is(err, pos.ErrShiftOpen) {
		t.Errorf("second open: %v", err)
	}
	held := &pos.Cart{ID: "held1"}
	must(t, db.SaveCart(ctx, held, true))
	p := pos.Payment{ID: "p1", SaleID: "cart9", Provider: pos.Alipay, Amount: 500, State: pos.PayUnknown,
		Mode: pos.ModeCode, Created: storagetest.Epoch, Updated: storagetest.Epoch}
	must(t, db.SavePayment(ctx, p))
	_, err := db.CloseShift(ctx, pos.ShiftClosing{ID: "c", ShiftID: sh.ID, By: "a", Counted: testFloat}, 500)
	var b *pos.ShiftBlockedError
	if !errors.As(err, &b) || len(b.Held) != 1 || len(b.Payments) != 1 {
		t.Fatalf("close with a held sale and a 待确认 payment: %v", err)
	}
	must(t, db.DeleteCart(ctx, held.ID))
	p.State = pos.PayFailed
	must(t, db.SavePayment(ctx, p))
	if _, err := db.CloseShift(ctx, pos.ShiftClosing{ID: "c", ShiftID: sh.ID, By: "a", Counted: testFloat}, 500); err != nil {
		t.Fatal(err)
	}
}

func TestZReportNumbersAndGrandTotal(t *testing.T) {
	db := storagetest.NewDB(t)
	if _, err := db.SaveZReport(ctx, "店主", "S1-T1"); !errors.Is(err, pos.ErrNothingForZ) {
		t.Errorf("Z with nothing: %v", err)
	}
	sh, _ := shiftDay(t, db)
	if _, err := db.SaveZReport(ctx, "店主", "S1-T1"); !errors.Is(err, pos.ErrShiftsOpenAtZ) {
		t.Errorf("Z with a shift open: %v", err)
	}
	f, err := db.ShiftFigures(ctx, sh.ID)
	must(t, err)
	_, err = db.CloseShift(ctx, pos.ShiftClosing{ID: "c1", ShiftID: sh.ID, By: "收银员",
		Counted: pos.Count{10: int64(f.Expected() / 10)}}, 500)
	must(t, err)
	z1, err := db.SaveZReport(ctx, "店主", "S1-T1")
	must(t, err)
	var net money.Fen
	for _, tf := range f.ByTender {
		net += tf.Net()
	}
	if z1.No != 1 || z1.Net != net || z1.GrandTotal != net || len(z1.ShiftNos) != 1 {
		t.Errorf("z1 %+v, want net %v", z1, net)
	}
	openTestShift(t, db, "sh2")
	_, err = db.CloseShift(ctx, pos.ShiftClosing{ID: "c2", ShiftID: "sh2", By: "收银员", Counted: testFloat}, 500)
	must(t, err)
	z2, err := db.SaveZReport(ctx, "店主", "S1-T1")
	must(t, err)
	if z2.No != 2 || z2.GrandTotal != net || z2.Net != 0 {
		t.Errorf("z2 %+v", z2)
	}
	last, err := db.LastZReport(ctx)
	must(t, err)
	if last.No != 2 || last.GrandTotal != net {
		t.Errorf("last %+v", last)
	}
}

func TestShiftsAudited(t *testing.T) {
	db := storagetest.NewDB(t)
	sh, _ := shiftDay(t, db)
	f, err := db.ShiftFigures(ctx, sh.ID)
	must(t, err)
	_, err = db.CloseShift(ctx, pos.ShiftClosing{ID: "c1", ShiftID: sh.ID, By: "收银员",
		Counted: pos.Count{10: int64(f.Expected() / 10)}}, 500)
	must(t, err)
	_, err = db.SaveZReport(ctx, "店主", "S1-T1")
	must(t, err)
	kinds := map[pos.AuditKind]int{}
	chk := pos.NewChainChecker(0, pos.GenesisHash())
	must(t, db.ScanAudit(ctx, 1, func(ev pos.AuditEvent) error {
		kinds[ev.Kind]++
		return chk.Check(ev)
	}))
	if kinds[pos.AuditShiftOpen] != 1 || kinds[pos.AuditCashMove] != 3 || kinds[pos.AuditShiftClose] != 1 ||
		kinds[pos.AuditZReport] != 1 {
		t.Errorf("audit kinds %v", kinds)
	}
}

func TestShiftCashOfTheDay(t *testing.T) {
	db := storagetest.NewDB(t)
	day := storagetest.Epoch.Add(-2 * time.Hour)
	if c, err := db.ShiftCash(ctx, day, day.AddDate(0, 0, 1)); err != nil || c.Shifts != 0 {
		t.Fatalf("no shifts: %+v, %v", c, err)
	}
	sh, sales := shiftDay(t, db)
	f, err := db.ShiftFigures(ctx, sh.ID)
	must(t, err)
	closed, err := db.CloseShift(ctx, pos.ShiftClosing{ID: "c1", ShiftID: sh.ID, By: "收银员",
		Counted: pos.Count{10: int64(f.Expected() / 10)}}, 500)
	must(t, err)
	c, err := db.ShiftCash(ctx, day, day.AddDate(0, 0, 1))
	must(t, err)
	if c.Shifts != 1 || c.Float != testFloat.Total() || c.Counted != closed.Counted.Total() || c.OverShort != closed.OverShort {
		t.Errorf("shift cash %+v, closed %+v", c, closed)
	}
	in, out, err := db.AccountTotals(ctx, ledger.Cash, day, day.AddDate(0, 0, 1))
	must(t, err)
	// The sale before the shift is the only cash of the day outside it.
	if outside := cashOf(sales[0]); c.Counted-c.Float != in-out-outside {
		t.Errorf("counted beyond the float %v, the ledger's cash of the day %v less %v outside the shift",
			c.Counted-c.Float, in-out, outside)
	}
}

// Once the shop uses shifts, no sale and no refund starts while none is
// open: it would belong to no shift and no Z report. A refund already
// started completes in its shift, which cannot close while it is pending.
func TestNothingOutsideShifts(t *testing.T) {
	db := storagetest.NewDB(t)
	sh, sales := shiftDay(t, db) // its first sale, before any shift, was saved: a shop without shifts works
	s2 := sales[2]
	pending := refund(t, db, s2, 0, 50, "rp", storagetest.Epoch, pos.RefundPending)
	closing := pos.ShiftClosing{ID: "c1", ShiftID: sh.ID, By: "收银员", Counted: testFloat}
	var b *pos.ShiftBlockedError
	if _, err := db.CloseShift(ctx, closing, 1<<40); !errors.As(err, &b) || len(b.Refunds) != 1 {
		t.Fatalf("close with a pending refund: %v", err)
	}
	done, err := pending.Done("e-rp", storagetest.Epoch)
	must(t, err)
	must(t, db.SaveRefund(ctx, done, nil)) // the sweeper's answer
	f, err := db.ShiftFigures(ctx, sh.ID)
	must(t, err)
	if got := f.ByTender[s2.Tenders[0].Kind]; got.Refunds < 50 {
		t.Fatalf("the completed refund is not in its shift: %+v", got)
	}
	closing.Counted = testFloat
	_, err = db.CloseShift(ctx, closing, 1<<40) // any difference accepted: the count is not under test

	must(t, err)

	ps := storagetest.Seed(t, db, 1)
	late := newSale(t, db, "late", storagetest.Epoch, ps[0])
	if err := db.SaveSale(ctx, late); !errors.Is(err, pos.ErrNoShift) {
		t.Fatalf("a sale with no shift open: %v", err)
	}
	if _, err := db.Sale(ctx, late.ID); err == nil {
		t.Fatal("the refused sale was saved")
	}
	r, err := pos.NewRefund(sales[1], 0, 10, nil, "rlate", "", storagetest.Epoch)
	must(t, err)
	if r, err = r.Done("e-rlate", storagetest.Epoch); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveRefund(ctx, r, nil); !errors.Is(err, pos.ErrNoShift) {
		t.Fatalf("a refund started with no shift open: %v", err)
	}
	if rs, _ := db.Refunds(ctx, sales[1].ID); len(rs) != 1 {
		t.Fatalf("refunds of the sale: %+v, want only the one from the shift", rs)
	}
	sh2 := openTestShift(t, db, "sh2")
	must(t, db.SaveSale(ctx, late))
	if f, err := db.ShiftFigures(ctx, sh2.ID); err != nil || f.Sales != 1 {
		t.Fatalf("the next shift's figures %+v, %v; want the sale", f, err)
	}
}

// A new payment is refused too when no shift is open: else the customer
// would pay for a sale the store then refuses.
func TestNoPaymentStartsOutsideShifts(t *testing.T) {
	db := storagetest.NewDB(t)
	p := pos.Payment{ID: "p1", SaleID: "cart1", Provider: pos.Alipay, Amount: 500, State: pos.PayUnknown,
		Mode: pos.ModeCode, Created: storagetest.Epoch, Updated: storagetest.Epoch}
	sh := openTestShift(t, db, "sh1")
	must(t, db.SavePayment(ctx, p))
	p.State = pos.PayFailed
	must(t, db.SavePayment(ctx, p))
	_, err := db.CloseShift(ctx, pos.ShiftClosing{ID: "c", ShiftID: sh.ID, By: "a", Counted: testFloat}, 1<<40)
	must(t, err)
	p.Reason = "late answer"
	must(t, db.SavePayment(ctx, p)) // a payment already started still changes
	p2 := p
	p2.ID, p2.State = "p2", pos.PayUnknown
	if err := db.SavePayment(ctx, p2); !errors.Is(err, pos.ErrNoShift) {
		t.Fatalf("a new payment with no shift open: %v", err)
	}
}
