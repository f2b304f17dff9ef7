package soak_test

import (
	"context"
	"strings"
	"testing"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/outbox"
	"zhanggui/sync/providersim"
	"zhanggui/sync/soak"
)

// TestAuditCatchesCards: the card checks are not vacuous. An offline
// capture left pending, and one declined whose loss entry writes off less
// than the sale's card tender, are each reported. (A sealed PAN kept after
// the answer cannot be forged here: storage refuses to change an answered
// capture.)
func TestAuditCatchesCards(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := context.Background()
	ps := storagetest.Seed(t, db, 3)
	var charges []providersim.Charge
	sell := func(id string) int64 {
		p, amount := cardSale(t, db, id, ps[0])
		if id != "declined" {
			charges = append(charges, providersim.Charge{Kind: providersim.ChargePayment, OutTradeNo: p, Amount: amount})
		}
		return int64(amount)
	}
	sell("pending")
	sell("keptpan")
	amount := sell("declined")
	if err := db.CardCaptured(ctx, "keptpan", "000000000001"); err != nil {
		t.Fatal(err)
	}
	loss, err := outbox.CardLossEntry("loss-declined", storagetest.Epoch, "declined", "declined", money.Fen(amount/2))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CardCaptureDeclined(ctx, "declined", "余额不足", loss); err != nil {
		t.Fatal(err)
	}
	r, err := soak.Audit(ctx, db.Path(), charges)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(r.Violations, "\n")
	for _, want := range []string{
		"offline card capture pending of",
		"of capture declined",
		"card receivable",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the audit missed %q; it found:\n%s", want, all)
		}
	}
	if r.Cards.Offline != 3 || r.Cards.Uploaded != 1 || r.Cards.Declined != 1 {
		t.Errorf("counts %v, want 3 offline, 1 uploaded, 1 declined", r.Cards)
	}
}

// cardSale books a sale of one piece of p paid by a card approved offline,
// with its capture record and upload job, as sync/cardpay does; it returns
// the payment ID and the amount.
func cardSale(t *testing.T, db *storage.DB, id string, p pos.Product) (string, money.Fen) {
	t.Helper()
	ctx := context.Background()
	cart := &pos.Cart{ID: id}
	if err := cart.Add(p, pos.OnePiece); err != nil {
		t.Fatal(err)
	}
	amount := cart.Totals().Total
	pay, err := pos.NewPayment(id, id, pos.Card, pos.ModeCard, amount, storagetest.Epoch)
	if err == nil {
		pay, err = pay.Next(pos.EvSend, storagetest.Epoch)
	}
	if err == nil {
		pay, err = pay.Next(pos.EvSuccess, storagetest.Epoch)
	}
	if err != nil {
		t.Fatal(err)
	}
	masked := "622848*********1234"
	res := pos.CardResult{MaskedPAN: masked}
	s, err := cart.Checkout(pos.Checkout{ID: id, No: "0101-" + id, EntryID: "e-" + id, At: storagetest.Epoch,
		Cashier: "soak", Tenders: []pos.Tender{res.Tender(amount, id)}})
	if err != nil {
		t.Fatal(err)
	}
	c := &pos.CardCapture{OutTradeNo: id, Amount: amount, MaskedPAN: masked, Token: "tok-" + id,
		SealedPAN: []byte{1, 2, 3}, ApprovedAt: storagetest.Epoch}
	err = db.SaveCardSale(ctx, s, pay, c, outbox.CardCaptureJob(*c, id, storagetest.Epoch),
		outbox.CardResolveJob(pay, storagetest.Epoch))
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range []string{"card.capture:" + id, "card.resolve:" + id} {
		if err := db.Done(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	return id, amount
}
