package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
	"zhanggui/sync/cardpay"
	"zhanggui/sync/outbox"
)

// The card key through the checkout. Fyne's test driver cannot tap a card,
// so a fake terminal stands behind the interface the real one implements
// (cardpay.Terminal); the payment service, the database and the outbox
// jobs are the real ones.

// fakeTerminal answers each charge with answer.
type fakeTerminal struct {
	answer func(amount money.Fen, no string) (pos.CardResult, error)
}

func (f fakeTerminal) Charge(_ context.Context, amount money.Fen, no string) (pos.CardResult, error) {
	return f.answer(amount, no)
}

const testPAN = "622848******1234" // masked: the fake never sees a full number

// withCards wires card payments to the fixture as app does, on term.
func withCards(f *fixture, term cardpay.Terminal, link pos.Link) {
	svc := &cardpay.Service{Store: f.db, Terminal: term, Link: func(pos.Provider) pos.Link { return link },
		CaptureJob: outbox.CardCaptureJob, ResolveJob: outbox.CardResolveJob, Now: time.Now, NewID: f.app.deps.NewID}
	f.app.deps.Cards = CardDeps{Charge: func(ctx context.Context, r CardRequest, stage func(CardStage)) (CardOutcome, error) {
		out, err := svc.Charge(ctx, cardpay.Request{SaleID: r.SaleID, Amount: r.Amount, Book: r.Book},
			func(st cardpay.Stage) { stage(CardStage(st)) })
		return CardOutcome{Payment: out.Payment, Sale: out.Sale, Offline: out.Offline, MaskedPAN: out.Card.MaskedPAN,
			Reason: out.Reason, Cash: out.Cash, Pending: out.Pending}, err
	}}
}

// waitCard presses F1 and waits for the charge's outcome.
func waitCard(t *testing.T, f *fixture) *cardDialog {
	t.Helper()
	f.key(fyne.KeyF1)
	cd := f.app.card
	if cd == nil {
		t.Fatalf("F1 opened no card dialog: %q", f.app.checkout.msg.Text)
	}
	select {
	case <-cd.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the card payment never finished")
	}
	f.app.card = nil
	return cd
}

func approveOnline(amount money.Fen, no string) (pos.CardResult, error) {
	return pos.CardResult{Approved: true, RRN: "123456789012", TradeNo: "T" + no, AuthCode: "654321",
		MaskedPAN: testPAN, Token: "tok", Scheme: "UnionPay"}, nil
}

func TestCardKeyPaysOnline(t *testing.T) {
	f := newFixture(t)
	withCards(f, fakeTerminal{answer: approveOnline}, pos.LinkOnline)
	f.scan("6901234567892")
	f.scan("6903456789014")
	cd := waitCard(t, f)
	if cd.outcome.Sale == nil || !strings.Contains(cd.detail.Text, testPAN) {
		t.Fatalf("outcome %+v, detail %q: want approved with the masked card", cd.outcome, cd.detail.Text)
	}
	sale, err := f.db.Sale(context.Background(), cd.outcome.Sale.ID)
	if err != nil {
		t.Fatal(err)
	}
	td := sale.Tenders[0]
	if len(sale.Tenders) != 1 || td.Kind != pos.TenderCard || td.Amount != 750 || !strings.HasSuffix(td.Ref, testPAN) {
		t.Errorf("tenders = %+v, want one card tender of 7.50", sale.Tenders)
	}
	p, err := f.db.Payment(context.Background(), td.PaymentID)
	if err != nil || p.State != pos.PaySucceeded || p.Mode != cardpay.ModeCard {
		t.Errorf("payment = %+v, %v; want a succeeded card payment", p, err)
	}
	tb, err := f.db.TrialBalance(context.Background())
	if err != nil || tb[ledger.CardReceivable] != 750 {
		t.Errorf("card receivable = %v (%v), want 7.50", tb[ledger.CardReceivable], err)
	}
	if c := f.app.checkout; len(c.cart.Lines) != 0 || !strings.Contains(c.lastInfo.Text, sale.No) {
		t.Errorf("after the card sale: %d lines, %q", len(c.cart.Lines), c.lastInfo.Text)
	}
	if len(f.print.jobs) != 1 {
		t.Errorf("%d receipts printed, want 1", len(f.print.jobs))
	}
}

func TestCardKeyOfflineApprovalOnTheReceipt(t *testing.T) {
	f := newFixture(t)
	offline := func(amount money.Fen, no string) (pos.CardResult, error) {
		c := &pos.CardCapture{OutTradeNo: no, Amount: amount, MaskedPAN: testPAN, Token: "tok", SealedPAN: []byte{1, 2, 3},
			Expiry: "2912", TxnDate: "261125", TC: make([]byte, 8), ApprovedAt: time.Now().UTC()}
		return pos.CardResult{Approved: true, Offline: true, MaskedPAN: testPAN, Token: "tok", Capture: c, Code: "TC"}, nil
	}
	withCards(f, fakeTerminal{answer: offline}, pos.LinkOffline)
	f.scan("6901234567892")
	cd := waitCard(t, f)
	if !cd.outcome.Offline || cd.outcome.Sale == nil || !strings.Contains(cd.status.Text, T("Approved offline (脱机批准): uploaded when the network allows")) {
		t.Fatalf("outcome %+v, status %q: want an offline approval", cd.outcome, cd.status.Text)
	}
	ctx := context.Background()
	q, err := f.db.OfflineCardQueue(ctx, "tok", time.Now())
	if err != nil || q.Exposure != 300 || q.CardToday != 1 {
		t.Errorf("offline queue = %+v, %v; want 3.00 waiting, the card used once", q, err)
	}
	c, pending, err := f.db.PendingCardCapture(ctx, cd.outcome.Payment.ID)
	if err != nil || !pending || c.Amount != 300 || len(c.SealedPAN) == 0 {
		t.Errorf("capture = %+v, %v, %v; want the sealed record waiting", c, pending, err)
	}
	text := receiptText(cd.outcome.Sale, f.app.settings)
	if !strings.Contains(text, T("Offline approval")+" "+testPAN) {
		t.Errorf("receipt lacks %q %s:\n%s", T("Offline approval"), testPAN, text)
	}
}

func TestCardDeclinedOffersCash(t *testing.T) {
	f := newFixture(t)
	decline := func(money.Fen, string) (pos.CardResult, error) {
		return pos.CardResult{MaskedPAN: testPAN, Reason: "卡内余额不足，请改用其他卡或其他支付方式"}, nil
	}
	withCards(f, fakeTerminal{answer: decline}, pos.LinkOnline)
	f.scan("6901234567892")
	cd := waitCard(t, f)
	if cd.outcome.Sale != nil || !strings.Contains(cd.status.Text, "卡内余额不足") || cd.cashB.Hidden {
		t.Fatalf("status %q, cash button hidden %v: want the reason and 改用现金", cd.status.Text, cd.cashB.Hidden)
	}
	p, err := f.db.Payment(context.Background(), cd.outcome.Payment.ID)
	if err != nil || p.State != pos.PayFailed {
		t.Errorf("payment = %+v, %v; want failed", p, err)
	}
	test.Tap(cd.cashB)
	if f.app.pay == nil {
		t.Fatal("改用现金 opened no cash dialog")
	}
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if f.app.pay != nil || f.app.checkout.lastSale == nil || f.app.checkout.lastSale.Tenders[0].Kind != pos.TenderCash {
		t.Error("the sale was not completed in cash after the declined card")
	}
}

func TestCardRefusedOverTheOfflineFloor(t *testing.T) {
	f := newFixture(t)
	tapped := false
	withCards(f, fakeTerminal{answer: func(a money.Fen, no string) (pos.CardResult, error) {
		tapped = true
		return approveOnline(a, no)
	}}, pos.LinkOffline)
	for range 200 { // ¥600 of cola, over the ¥300 offline floor
		f.scan("6901234567892")
	}
	cd := waitCard(t, f)
	if tapped || cd.outcome.Reason != pos.ReasonOfflineFloor || cd.cashB.Hidden {
		t.Errorf("tapped %v, reason %q, cash hidden %v; want refused before the tap with %q and cash offered",
			tapped, cd.outcome.Reason, cd.cashB.Hidden, pos.ReasonOfflineFloor)
	}
}

func TestCardKeyWithoutReader(t *testing.T) {
	f := newFixture(t)
	withCards(f, fakeTerminal{answer: approveOnline}, pos.LinkOnline)
	f.app.deps.Cards.Reader = func() error { return errNoReaderForTest }
	f.scan("6901234567892")
	f.key(fyne.KeyF1)
	if f.app.card != nil || !strings.Contains(f.app.checkout.msg.Text, T("No card reader connected")) {
		t.Errorf("message %q: want %q and no dialog", f.app.checkout.msg.Text, T("No card reader connected"))
	}
}

var errNoReaderForTest = pos.Errorf(pos.CodeUnavailable, "test: no reader")

func TestCartFixedWhileTheCardIsCharged(t *testing.T) {
	f := newFixture(t)
	release := make(chan struct{})
	withCards(f, fakeTerminal{answer: func(a money.Fen, no string) (pos.CardResult, error) {
		<-release
		return approveOnline(a, no)
	}}, pos.LinkOnline)
	f.scan("6901234567892")
	f.key(fyne.KeyF1)
	cd := f.app.card
	f.scan("6903456789014") // a scan behind the dialog while the customer taps
	close(release)
	<-cd.done
	f.app.card = nil
	sale := cd.outcome.Sale
	if sale == nil || sale.Total != 300 || len(sale.Lines) != 1 {
		t.Fatalf("outcome %+v: want the ¥3.00 sale the card paid, unchanged", cd.outcome)
	}
}

// The link dies while the card is authorized: the outcome is unknown, the
// till will reverse it by itself (a card in doubt is never booked later),
// so the cashier takes cash at once instead of holding the customer.
func TestCardInDoubtLetsTheCashierTakeCash(t *testing.T) {
	f := newFixture(t)
	lost := func(money.Fen, string) (pos.CardResult, error) {
		return pos.CardResult{MaskedPAN: testPAN}, pos.Errorf(pos.CodeUnavailable, "test: the link died after the tap")
	}
	withCards(f, fakeTerminal{answer: lost}, pos.LinkOffline)
	f.scan("6901234567892")
	cd := waitCard(t, f)
	if !cd.outcome.Pending || !strings.Contains(cd.status.Text, "系统会自动撤销") || cd.cashB.Hidden {
		t.Fatalf("status %q, pending %v, cash button hidden %v", cd.status.Text, cd.outcome.Pending, cd.cashB.Hidden)
	}
	test.Tap(cd.cashB)
	if f.app.pay == nil {
		t.Fatalf("cash refused while the card is in doubt: %q", f.app.checkout.msg.Text)
	}
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if f.app.checkout.lastSale == nil || f.app.checkout.lastSale.Tenders[0].Kind != pos.TenderCash {
		t.Fatal("the sale was not completed in cash")
	}
	jobs, err := f.db.JobsForKey(context.Background(), outbox.CardResolveJob(cd.outcome.Payment, time.Time{}).ID)
	if err != nil || len(jobs) == 0 || jobs[0].Done {
		t.Errorf("the card payment in doubt has no open resolve job to reverse it: %+v, %v", jobs, err)
	}
}
