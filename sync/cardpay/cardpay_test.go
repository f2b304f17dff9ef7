package cardpay_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/sync/cardpay"
	"zhanggui/sync/outbox"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
)

func TestOnlineApprovalBooksTheSale(t *testing.T) {
	e := newEnv(t)
	c := e.newCard("holder", int64(floor))
	e.reader.present(c.handle)
	out := e.charge(t, e.request(t, 1)) // ¥250, above the floor: the card asks to go online
	if !out.Approved() || out.Offline || out.Reason != "" {
		t.Fatalf("Charge = %+v, want an online approval", out)
	}
	p, err := e.db.Payment(ctx, out.Payment.ID)
	if err != nil {
		t.Fatal(err)
	}
	masked := pos.MaskPAN([]byte(c.info.PAN))
	if p.State != pos.PaySucceeded || p.Provider != cardpay.Provider || p.Mode != cardpay.ModeCard ||
		p.Buyer != masked || p.TradeNo == "" {
		t.Errorf("payment = %+v, want succeeded, card, masked %s, with the acquirer's number", p, masked)
	}
	hist, _ := e.db.PaymentHistory(ctx, p.ID)
	if want := []pos.PaymentState{pos.PayAuthorizing, pos.PaySucceeded}; !slices.Equal(hist, want) {
		t.Errorf("history = %v, want %v (authorizing saved before the tap)", hist, want)
	}
	sale, err := e.db.Sale(ctx, out.Sale.ID)
	if err != nil {
		t.Fatal(err)
	}
	td := sale.Tenders[0]
	if len(sale.Tenders) != 1 || td.Kind != pos.TenderCard || td.Amount != 250_00 || td.PaymentID != p.ID ||
		!strings.HasSuffix(td.Ref, masked) {
		t.Errorf("tenders = %+v, want one card tender of 250.00 showing %s", sale.Tenders, masked)
	}
	if net, n := e.net(p.ID); net != 250_00 || n != 1 {
		t.Errorf("the acquirer booked %v in %d payments, want 250.00 once", net, n)
	}
	if _, ok := e.capture(t, p.ID); ok {
		t.Error("an online approval left a capture record: its PAN must not be kept")
	}
	if tb := e.balanced(t); tb[ledger.CardReceivable] != 250_00 {
		t.Errorf("card receivable = %v, want 250.00", tb[ledger.CardReceivable])
	}
	if q := e.jobs(t, outbox.CardResolveKind); q["done"] != 1 || q["queued"] != 0 {
		t.Errorf("resolve jobs = %v, want the one saved with the payment done once it was final", q)
	}
	if cart, _ := e.db.CurrentCart(ctx); cart != nil && cart.ID == sale.ID {
		t.Error("the paid cart is still the current one")
	}
}

func TestOfflineApprovalQueuedUploadedWiped(t *testing.T) {
	e := newEnv(t)
	c := e.newCard("holder", int64(floor))
	e.link.Store(pos.LinkOffline)
	e.reader.present(c.handle)
	out := e.charge(t, e.request(t, 0)) // ¥8.80: the card approves offline
	if !out.Approved() || !out.Offline || !out.Card.Offline {
		t.Fatalf("Charge = %+v, want an offline approval", out)
	}
	id := out.Payment.ID
	masked := pos.MaskPAN([]byte(c.info.PAN))
	got, ok := e.capture(t, id)
	if !ok || got.state != "pending" || got.blobLen == 0 || got.masked != masked || got.token == "" {
		t.Fatalf("capture = %+v (%v), want pending with its sealed record, masked %s", got, ok, masked)
	}
	e.noClearPAN(t, c.info.PAN)
	if q := e.jobs(t, pos.JobUploadCardCapture); q["queued"] != 1 {
		t.Fatalf("capture jobs = %v, want one queued with the sale", q)
	}
	if sale, err := e.db.Sale(ctx, out.Sale.ID); err != nil || sale.Tenders[0].Ref != "offline "+masked {
		t.Fatalf("sale = %+v, %v; want the card tender marked offline", sale, err)
	}

	e.drain(t) // still offline: postponed, nothing sent
	if net, _ := e.net(id); net != 0 {
		t.Fatalf("the acquirer booked %v while the link was down", net)
	}
	e.link.Store(pos.LinkOnline)
	if err := e.worker.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if net, n := e.net(id); net != 880 || n != 1 {
		t.Errorf("the acquirer booked %v in %d payments, want 8.80 once", net, n)
	}
	got, _ = e.capture(t, id)
	if got.state != "uploaded" || got.blobLen != 0 || got.rrn == "" || got.masked != masked || got.token == "" {
		t.Errorf("capture after upload = %+v, want uploaded, wiped, masked PAN and token kept", got)
	}
	if q := e.jobs(t, pos.JobUploadCardCapture); q["done"] != 1 {
		t.Errorf("capture jobs = %v, want done", q)
	}
	// The job again (the till died before recording it done): no second charge.
	h := e.worker.Handlers[pos.JobUploadCardCapture]
	if err := h.Handle(ctx, outbox.CardCaptureJob(pos.CardCapture{OutTradeNo: id, Amount: 880}, out.Sale.ID, time.Now())); err != nil {
		t.Errorf("the capture job again: %v", err)
	}
	if _, n := e.net(id); n != 1 {
		t.Errorf("%d payments at the acquirer after the job ran twice", n)
	}
	e.balanced(t)
}

// noClearPAN checks that no stored row holds the card number in clear.
func (e *env) noClearPAN(t *testing.T, pan string) {
	t.Helper()
	rows, err := e.raw(t).Query(`SELECT capture FROM card_captures UNION ALL SELECT payload FROM outbox
		UNION ALL SELECT buyer || reason || trade_no FROM payments UNION ALL SELECT ref FROM tenders`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(pan)) {
			t.Fatalf("a stored row holds the clear PAN: %q", b)
		}
	}
}

func TestDeclinedAtUploadIsBookedAsALoss(t *testing.T) {
	e := newEnv(t)
	c := e.newCard("poor", int64(floor))
	e.link.Store(pos.LinkOffline)
	e.reader.present(c.handle)
	out := e.charge(t, e.request(t, 0))
	if !out.Offline {
		t.Fatalf("Charge = %+v, want an offline approval", out)
	}
	e.sim.SetBalance("poor", 100) // spent elsewhere before the upload
	e.link.Store(pos.LinkOnline)
	if err := e.worker.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	got, _ := e.capture(t, out.Payment.ID)
	if got.state != "declined" || got.blobLen != 0 || got.lossEntry == "" || got.reason == "" {
		t.Fatalf("capture = %+v, want declined, wiped, with its loss entry and reason", got)
	}
	losses, err := e.db.CardLosses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	masked := pos.MaskPAN([]byte(c.info.PAN))
	if len(losses) != 1 || losses[0].SaleNo != out.Sale.No || losses[0].Amount != 880 ||
		losses[0].MaskedPAN != masked || losses[0].ApprovedAt.IsZero() || losses[0].DeclinedAt.IsZero() {
		t.Fatalf("CardLosses = %+v, want the order %s, 8.80, %s", losses, out.Sale.No, masked)
	}
	tb := e.balanced(t)
	if tb[ledger.CardOfflineLosses] != 880 || tb[ledger.CardReceivable] != 0 {
		t.Errorf("losses %v, card receivable %v; want 8.80 written off, nothing left receivable",
			tb[ledger.CardOfflineLosses], tb[ledger.CardReceivable])
	}
	if q := e.jobs(t, pos.JobUploadCardCapture); q["done"] != 1 {
		t.Errorf("capture jobs = %v, want done (the loss is listed, not a parked job)", q)
	}
	// The money never came: a refund of the sale's card tender is refused
	// before anything is sent.
	svc := &payments.Service{Store: e.db, RefundStore: e.db, Providers: map[pos.Provider]payments.Provider{pos.Card: e.acq},
		Now: e.svc.Now, NewID: newID}
	sale, err := e.db.Sale(ctx, out.Sale.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Refund(ctx, sale, 0, 100, "顾客退货"); !errors.Is(err, pos.ErrCardWrittenOff) {
		t.Errorf("refund of a written-off card payment: %v", err)
	}
	// Nor is it given back in cash from the drawer.
	if _, err := svc.RefundInCash(ctx, sale, 0, 100, "顾客要现金"); !errors.Is(err, pos.ErrCardWrittenOff) {
		t.Errorf("cash refund of a written-off card payment: %v", err)
	}
	if rs, _ := e.db.Refunds(ctx, sale.ID); len(rs) != 0 {
		t.Errorf("refunds saved: %+v", rs)
	}
}

func TestOfflineOverTheLimitsIsRefused(t *testing.T) {
	t.Run("over the floor, before the tap", func(t *testing.T) {
		e := newEnv(t)
		e.link.Store(pos.LinkOffline)
		e.reader.present(e.newCard("holder", int64(floor)).handle)
		out := e.charge(t, e.request(t, 1)) // ¥250 > ¥100
		if out.Approved() || out.Reason != pos.ReasonOfflineFloor || !out.Cash || out.Payment.ID != "" {
			t.Fatalf("Charge = %+v, want refused before the tap: %q, cash offered", out, pos.ReasonOfflineFloor)
		}
		if len(e.reader.cards) != 1 {
			t.Error("the customer was asked to tap a card that could not be accepted")
		}
	})
	t.Run("the card's uses per day, after the tap", func(t *testing.T) {
		e := newEnv(t)
		e.link.Store(pos.LinkOffline)
		c := e.newCard("holder", int64(floor))
		for range pos.DefaultOfflineLimits().PerCardPerDay {
			e.reader.present(c.handle)
			if out := e.charge(t, e.request(t, 0)); !out.Offline {
				t.Fatalf("Charge = %+v, want an offline approval within the limits", out)
			}
		}
		e.reader.present(c.handle)
		out := e.charge(t, e.request(t, 0))
		if out.Approved() || out.Reason != pos.ReasonOfflineCardDay || !out.Cash {
			t.Fatalf("Charge = %+v, want refused: %q", out, pos.ReasonOfflineCardDay)
		}
		p, _ := e.db.Payment(ctx, out.Payment.ID)
		if _, ok := e.capture(t, p.ID); p.State != pos.PayFailed || ok {
			t.Errorf("payment %s %s, capture kept %v; want failed with nothing kept", p.ID, p.State, ok)
		}
	})
}

func TestUnknownOutcomeQueriedAndBooked(t *testing.T) {
	e := newEnv(t)
	e.sim.Script(providersim.OnAmount(250_00), providersim.DropConnectionAfterCharge)
	e.reader.present(e.newCard("holder", int64(floor)).handle)
	out := e.charge(t, e.request(t, 1))
	if !out.Approved() {
		t.Fatalf("Charge = %+v, want approved once the query found the charge", out)
	}
	hist, _ := e.db.PaymentHistory(ctx, out.Payment.ID)
	if want := []pos.PaymentState{pos.PayAuthorizing, pos.PayUnknown, pos.PaySucceeded}; !slices.Equal(hist, want) {
		t.Errorf("history = %v, want %v", hist, want)
	}
	if net, n := e.net(out.Payment.ID); net != 250_00 || n != 1 {
		t.Errorf("the acquirer booked %v in %d payments, want 250.00 once", net, n)
	}
	e.balanced(t)
}

func TestUnknownOutcomeNeverCharges(t *testing.T) {
	e := newEnv(t)
	e.sim.Script(providersim.OnAmount(250_00), providersim.SystemErrorHiddenFail)
	e.reader.present(e.newCard("holder", int64(floor)).handle)
	out := e.charge(t, e.request(t, 1))
	p, _ := e.db.Payment(ctx, out.Payment.ID)
	if out.Approved() || !out.Cash || !p.State.Final() || p.State == pos.PaySucceeded {
		t.Fatalf("Charge = %+v, payment %s; want not approved, final, cash offered", out, p.State)
	}
	if net, _ := e.net(p.ID); net != 0 {
		t.Errorf("the acquirer kept %v of a payment the till shows as failed", net)
	}
}

func TestResolveReversesWhatACrashLeftOpen(t *testing.T) {
	e := newEnv(t)
	p, err := pos.NewPayment(newID(), "cart-1", cardpay.Provider, cardpay.ModeCard, 880, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p, _ = p.Next(pos.EvSend, time.Now())
	job := outbox.CardResolveJob(p, time.Now())
	if err := e.db.SavePaymentWithJobs(ctx, p, job); err != nil { // then the till died
		t.Fatal(err)
	}
	e.link.Store(pos.LinkOffline)
	if err := e.worker.Handlers[outbox.CardResolveKind].Handle(ctx, job); err != outbox.ErrOffline {
		t.Fatalf("resolve while offline = %v, want ErrOffline", err)
	}
	e.link.Store(pos.LinkOnline)
	e.drain(t)
	got, _ := e.db.Payment(ctx, p.ID)
	if got.State != pos.PayReversed {
		t.Errorf("payment left authorizing by a crash is %s, want reversed", got.State)
	}
	if q := e.jobs(t, outbox.CardResolveKind); q["done"] != 1 {
		t.Errorf("resolve jobs = %v, want done", q)
	}
}

// An offline card payment still waiting for its upload is not given back in
// cash: the acquirer may yet refuse it. Once uploaded, it may be.
func TestPendingCaptureIsNotRefundedInCash(t *testing.T) {
	e := newEnv(t)
	e.link.Store(pos.LinkOffline)
	e.reader.present(e.newCard("holder", int64(floor)).handle)
	out := e.charge(t, e.request(t, 0))
	if !out.Offline {
		t.Fatalf("Charge = %+v, want an offline approval", out)
	}
	svc := &payments.Service{Store: e.db, RefundStore: e.db, Providers: map[pos.Provider]payments.Provider{pos.Card: e.acq},
		Now: e.svc.Now, NewID: newID}
	sale, err := e.db.Sale(ctx, out.Sale.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RefundInCash(ctx, sale, 0, 100, "顾客要现金"); !errors.Is(err, pos.ErrCardCapturePending) {
		t.Fatalf("cash refund of a pending capture: %v", err)
	}
	if rs, _ := e.db.Refunds(ctx, sale.ID); len(rs) != 0 {
		t.Fatalf("refunds saved: %+v", rs)
	}
	e.link.Store(pos.LinkOnline)
	if err := e.worker.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if r, err := svc.RefundInCash(ctx, sale, 0, 100, "顾客要现金"); err != nil || r.State != pos.RefundDone {
		t.Fatalf("cash refund after the upload = %+v, %v; want done", r, err)
	}
	e.balanced(t)
}
