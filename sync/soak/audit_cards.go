package soak

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
	"zhanggui/storage"
)

// CardCounts is what the audit found of contactless card payments.
type CardCounts struct {
	Online   int       // approved online (ARQC) and booked
	Offline  int       // approved offline (TC) and booked with a capture record
	Uploaded int       // offline captures the acquirer cleared
	Declined int       // offline captures the acquirer refused: losses
	Lost     money.Fen // what those losses wrote off
	Reversed int       // attempts reversed at the acquirer (an outcome that stayed unknown)
	Failed   int       // attempts that charged nothing: declined, refused, unread
	Unknown  int       // attempts whose outcome was unknown for a while
	Orphaned int       // attempts a killed till left open, reversed by their resolve job
}

func (c CardCounts) String() string {
	return fmt.Sprintf("card online %d, card offline %d, captures uploaded %d, captures declined → losses %d (%v); "+
		"card attempts reversed %d, failed %d, once unknown %d, left open by a kill %d",
		c.Online, c.Offline, c.Uploaded, c.Declined, c.Lost, c.Reversed, c.Failed, c.Unknown, c.Orphaned)
}

// cardCapture is a card_captures row as stored.
type cardCapture struct {
	sale, state, lossEntry string
	amount                 money.Fen
	sealed                 int // bytes of the sealed record still kept
}

// cardCaptures reads every capture record, by payment, straight from the
// file.
func cardCaptures(ctx context.Context, path string) (caps map[string]cardCapture, err error) {
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_query_only=1")
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, raw.Close()) }()
	rows, err := raw.QueryContext(ctx, `SELECT payment_id, sale_id, state, loss_entry, amount_fen, length(capture)
		FROM card_captures`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	caps = map[string]cardCapture{}
	for rows.Next() {
		var id string
		var c cardCapture
		var amount int64
		if err := rows.Scan(&id, &c.sale, &c.state, &c.lossEntry, &amount, &c.sealed); err != nil {
			return nil, err
		}
		c.amount = money.Fen(amount)
		caps[id] = c
	}
	return caps, rows.Err()
}

// countCard counts one card payment.
func countCard(ctx context.Context, db *storage.DB, p pos.Payment, c cardCapture, offline bool, r *Report) {
	switch {
	case p.State == pos.PaySucceeded && offline:
		r.Cards.Offline++
	case p.State == pos.PaySucceeded:
		r.Cards.Online++
	case p.State == pos.PayReversed:
		r.Cards.Reversed++
	case p.State == pos.PayFailed:
		r.Cards.Failed++
	}
	if offline && p.State != pos.PaySucceeded {
		r.fail("card payment %s has a capture record (%s) but is %s", p.ID, c.state, p.State)
	}
	hist, err := db.PaymentHistory(ctx, p.ID)
	if err != nil {
		return // countResolution reported it
	}
	// Only the charge moves a card payment to unknown; only the resolve
	// job cancels one it never saw unknown: one whose charge a kill ended.
	unknown, cancelled := false, false
	for _, s := range hist {
		unknown = unknown || s == pos.PayUnknown
		cancelled = cancelled || s == pos.PayCancelling
	}
	switch {
	case unknown:
		r.Cards.Unknown++
	case cancelled:
		r.Cards.Orphaned++
	}
}

// auditCards checks the offline captures after the final settling: none
// left pending, every answered one's sealed PAN wiped, every declined one
// written off by a balanced loss entry, and the card accounts of the
// ledger agree with the card tenders and the losses.
func auditCards(ctx context.Context, db *storage.DB, caps map[string]cardCapture, tendersOf map[string][]pos.Tender, r *Report) error {
	entries, err := db.Entries(ctx, time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	byID := map[string]ledger.Entry{}
	for _, e := range entries {
		byID[e.ID] = e
	}
	for id, c := range caps {
		switch c.state {
		case "uploaded":
			r.Cards.Uploaded++
		case "declined":
			r.Cards.Declined++
			r.Cards.Lost += c.amount
			auditLoss(id, c, byID, r)
		default:
			r.fail("offline card capture %s of %v left %s after the link returned", id, c.amount, c.state)
		}
		if c.state != "pending" && c.sealed != 0 {
			r.fail("offline card capture %s is %s but its sealed PAN (%d bytes) is kept", id, c.state, c.sealed)
		}
	}
	losses, err := db.CardLosses(ctx)
	if err != nil {
		return err
	}
	var listed money.Fen
	for _, l := range losses {
		listed += l.Amount
	}
	if len(losses) != r.Cards.Declined || listed != r.Cards.Lost {
		r.fail("the owner's card losses list %d (%v); %d captures were declined (%v)", len(losses), listed, r.Cards.Declined, r.Cards.Lost)
	}
	return auditCardAccounts(ctx, db, tendersOf, r)
}

// auditLoss checks the entry writing off a declined capture.
func auditLoss(id string, c cardCapture, byID map[string]ledger.Entry, r *Report) {
	e, ok := byID[c.lossEntry]
	if !ok {
		r.fail("declined card capture %s of %v has no loss entry (%q)", id, c.amount, c.lossEntry)
		return
	}
	if err := e.Validate(); err != nil {
		r.fail("loss entry %s of capture %s: %v", e.ID, id, err)
	}
	var lossDr, recvCr money.Fen
	for _, p := range e.Postings {
		switch p.Account {
		case ledger.CardOfflineLosses:
			lossDr += p.Debit - p.Credit
		case ledger.CardReceivable:
			recvCr += p.Credit - p.Debit
		}
	}
	if lossDr != c.amount || recvCr != c.amount || e.Ref != c.sale {
		r.fail("loss entry %s of capture %s (%v, sale %s): losses %v, receivable written off %v, ref %s",
			e.ID, id, c.amount, c.sale, lossDr, recvCr, e.Ref)
	}
}

// auditCardAccounts checks the card receivable is the card tenders less
// the losses, and the loss account the losses.
func auditCardAccounts(ctx context.Context, db *storage.DB, tendersOf map[string][]pos.Tender, r *Report) error {
	tb, err := db.TrialBalance(ctx)
	if err != nil {
		return err
	}
	var cards, refunded money.Fen
	for _, ts := range tendersOf {
		for _, t := range ts {
			if t.Kind == pos.TenderCard {
				cards += t.Amount
			}
		}
	}
	rs, err := db.RefundsBetween(ctx, time.Time{}, time.Now().AddDate(10, 0, 0))
	if err != nil {
		return err
	}
	for _, rf := range rs {
		if rf.Kind == pos.TenderCard && rf.State == pos.RefundDone {
			refunded += rf.Amount
		}
	}
	if tb[ledger.CardReceivable] != cards-r.Cards.Lost-refunded || tb[ledger.CardOfflineLosses] != r.Cards.Lost {
		r.fail("card receivable %v (card tenders %v less losses %v less refunds %v), loss account %v",
			tb[ledger.CardReceivable], cards, r.Cards.Lost, refunded, tb[ledger.CardOfflineLosses])
	}
	return nil
}
