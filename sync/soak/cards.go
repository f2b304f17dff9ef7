package soak

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strconv"
	"time"

	"zhanggui/hardware/nfc"
	"zhanggui/hardware/nfc/vcard"
	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/cardpay"
	"zhanggui/sync/cardterm"
	"zhanggui/sync/outbox"
	"zhanggui/sync/providersim"
	"zhanggui/sync/unionpay"
)

// Contactless card payments in the soak: the real card payment service,
// the real PCSCTerminal and unionpay client, the real outbox handlers; the
// reader is in memory, and the cards are virtual EMV cards the simulator
// issued (the parent hands them out, as it hands out payment codes). Online
// cards answer an ARQC whatever the amount; offline-capable ones a TC
// within the floor limit.

// CardLimits are the soak's offline card limits: low enough for the
// soak's carts (¥1 to ¥50) that some are over the floor and a long outage
// meets the exposure (the cashier then takes cash).
func CardLimits() pos.OfflineLimits {
	return pos.OfflineLimits{FloorFen: 25_00, TotalExposureFen: 150_00, PerCardPerDay: 3, MaxAge: 24 * time.Hour}
}

// Keys of the soak's terminal: the same in every till process, or the
// captures a killed one sealed could not be opened by the next.
var (
	cardTokenKey = []byte("zhanggui soak card token key")
	cardSealKey  = bytes.Repeat([]byte{0x5A}, 32)
)

// wireCards makes the terminal over the in-memory reader and the card
// service, and gives the worker the card jobs' handlers (as app's
// cardSetup.register does).
func (t *Till) wireCards(acq *unionpay.Client) error {
	lim := CardLimits()
	skew, err := cardSkew(os.Getenv)
	if err != nil {
		return err
	}
	term, err := cardterm.New(cardterm.Config{Reader: ctxReader{}, Acquirer: acq,
		Policy: pos.CardPolicy{FloorLimit: lim.FloorFen}, TokenKey: cardTokenKey, SealKey: cardSealKey,
		Now: func() time.Time { return time.Now().Add(skew) }})
	if err != nil {
		return fmt.Errorf("soak: card terminal: %w", err)
	}
	t.Cards = &cardpay.Service{Store: t.DB, Terminal: term, Acquirer: acq, Link: t.Link.State,
		Limits:     func() pos.OfflineLimits { return lim },
		CaptureJob: outbox.CardCaptureJob, ResolveJob: outbox.CardResolveJob, Enqueued: t.Worker.Wake,
		JobDone: t.DB.Done, ResolveAfter: time.Second, QueryTries: 3, QueryEvery: 25 * time.Millisecond,
		Now: t.Clock.Now, NewID: NewID}
	t.Worker.Handlers[pos.JobUploadCardCapture] = outbox.CardCaptureHandler{Store: t.DB, Terminal: term,
		Link: t.Link.State, NewID: NewID, Now: t.Clock.Now}
	t.Worker.Handlers[outbox.CardResolveKind] = cardResolved{t: t,
		next: outbox.CardResolveHandler{Cards: t.Cards, Link: t.Link.State}}
	return nil
}

// cardSkew reads ZHANGGUI_SOAK_CARD_SKEW: how far the terminal's clock
// (the time the card signs and the capture says it was approved) is ahead
// of the acquirer's. Unset, none: like the unionpay client's, the
// terminal's clock is the machine's, and the soak's jumping Clock is the
// till's business clock.
func cardSkew(getenv func(string) string) (time.Duration, error) {
	v := getenv("ZHANGGUI_SOAK_CARD_SKEW")
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("soak: ZHANGGUI_SOAK_CARD_SKEW=%q: %w", v, err)
	}
	return d, nil
}

// cardResolved is the resolve job's handler that, like the payment jobs'
// Settled, lets the till settle the cart once its card payment is final.
type cardResolved struct {
	t    *Till
	next outbox.CardResolveHandler
}

func (h cardResolved) Handle(ctx context.Context, j pos.Job) error {
	if err := h.next.Handle(ctx, j); err != nil {
		return err
	}
	var req struct {
		PaymentID string `json:"payment_id"`
	}
	if err := json.Unmarshal(j.Payload, &req); err != nil {
		return nil // the handler read it; it cannot be bad here
	}
	p, err := h.t.DB.Payment(ctx, req.PaymentID)
	if err != nil {
		return err
	}
	h.t.Events.Add("card resolved by job: " + string(p.State))
	return h.t.settled(ctx, p)
}

// sellCard takes the cart's whole total by card, as the cashier does with
// a customer who taps: approved, the service has booked the sale; refused
// (a limit, a decline, an unread card, a reversed order), the customer
// pays cash; unknown, the cart waits for the outbox (待确认).
func (l *lane) sellCard(ctx context.Context, cart *pos.Cart) error {
	t := l.t
	card, err := t.customerCard(ctx)
	if err != nil {
		t.Events.Add("card not handed: " + string(pos.ErrorCode(err)))
		return t.complete(ctx, cart.ID, "cash")
	}
	book := func(tender pos.Tender) (*pos.Sale, error) {
		now := t.Clock.Now()
		no, err := t.DB.NextSaleNo(ctx, pos.BusinessDay(now, shop), "01", "01")
		if err != nil {
			return nil, err
		}
		return cart.Checkout(pos.Checkout{ID: cart.ID, No: no, EntryID: NewID(), At: now, Cashier: "soak",
			Tenders: []pos.Tender{tender}})
	}
	link := t.Link.State(pos.UnionPay) // as the cashier's screen shows it at the tap
	tap, cancel := context.WithTimeout(context.WithValue(ctx, cardKey{}, card), 10*time.Second)
	defer cancel()
	out, err := t.Cards.Charge(tap, cardpay.Request{SaleID: cart.ID, Amount: cart.Totals().Total, Book: book}, nil)
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("soak: card charge %s (%+v): %w", out.Payment.ID, out.Payment, err)
	}
	switch {
	case out.Approved():
		t.Events.Add(cardEvent(out))
		t.mu.Lock()
		delete(t.active, cart.ID)
		t.sales = append(t.sales, out.Sale.ID)
		t.mu.Unlock()
		return nil
	case out.Pending:
		t.Events.Add("card pending (link " + string(link) + "): " + string(out.Payment.State))
	case out.Payment.ID == "":
		t.Events.Add("card refused before the tap: " + out.Reason)
	default:
		t.Events.Add("card not approved: " + string(out.Payment.State) + " " + out.Reason)
	}
	return t.complete(ctx, cart.ID, "after card")
}

func cardEvent(out cardpay.Outcome) string {
	if out.Offline {
		return "card approved offline"
	}
	return "card approved online"
}

// customerCard asks the parent for the card of the next customer.
func (t *Till) customerCard(ctx context.Context) (*virtualCard, error) {
	b, err := t.customer(ctx, url.Values{"do": {"card"}})
	if err != nil {
		return nil, pos.Errorf(pos.CodeUnavailable, "soak: the customer has no card: %w", err)
	}
	var h HandedCard
	if err := json.Unmarshal([]byte(b), &h); err != nil {
		return nil, pos.Errorf(pos.CodeInternal, "soak: card %q: %w", b, err)
	}
	return newVirtualCard(h)
}

// HandedCard is a card the parent hands to a till process: the card as
// its chip knows it, and its floor (a TC below it, else an ARQC; 0: an
// online-only card).
type HandedCard struct {
	Info     providersim.CardInfo `json:"info"`
	FloorFen int64                `json:"floor_fen"`
}

// virtualCard is a simulator-issued card as a virtual EMV card whose
// cryptograms the simulated issuer verifies.
type virtualCard struct {
	info    providersim.CardInfo
	profile *vcard.EMVCard
}

func newVirtualCard(h HandedCard) (*virtualCard, error) {
	exp, err := time.Parse("0601", h.Info.Expiry)
	if err != nil {
		return nil, pos.Errorf(pos.CodeInternal, "soak: card expiry %q: %w", h.Info.Expiry, err)
	}
	p := vcard.UnionPayDebit(h.FloorFen)
	p.PAN, p.Expiry = h.Info.PAN, exp.AddDate(0, 1, -1).Format("060102")
	if p.PSN, err = strconv.Atoi(h.Info.PANSeq); err != nil {
		return nil, pos.Errorf(pos.CodeInternal, "soak: card PAN sequence %q: %w", h.Info.PANSeq, err)
	}
	return &virtualCard{info: h.Info, profile: p}, nil
}

// handle answers one APDU as the card, with the simulated issuer's
// cryptogram in the GPO answer.
func (c *virtualCard) handle(apdu []byte) []byte {
	rsp := c.profile.Handle(apdu)
	if len(apdu) > 2 && apdu[0] == 0x80 && apdu[1] == 0xA8 && bytes.HasSuffix(rsp, []byte{0x90, 0x00}) {
		c.reissue(rsp)
	}
	return rsp
}

// reissue replaces vcard's own cryptogram in a GPO answer by the one the
// simulator verifies.
func (c *virtualCard) reissue(rsp []byte) {
	tlvs, err := nfc.Parse(rsp[:len(rsp)-2])
	if err != nil {
		return // the terminal will find the answer malformed
	}
	crypt, cid := nfc.Find(tlvs, nfc.TagCryptogram), nfc.Find(tlvs, nfc.TagCID)
	if crypt == nil || cid == nil {
		return
	}
	kind := providersim.ARQC
	if cid.Value[0]&0xC0 == 0x40 {
		kind = providersim.TC
	}
	gpo := c.profile.LastGPO
	amount, _ := strconv.ParseInt(fmt.Sprintf("%X", gpo["9F02"]), 10, 64) // BCD: its hex is its digits
	in := providersim.CryptogramInput{Amount: money.Fen(amount), Date: fmt.Sprintf("%X", gpo["9A"]),
		UN: fmt.Sprintf("%X", gpo["9F37"]), ATC: fmt.Sprintf("%04X", c.profile.ATC)}
	b, _ := hex.DecodeString(c.info.Cryptogram(kind, in)) // 16 hex digits: cannot fail
	copy(rsp[bytes.Index(rsp, crypt.Value):], b)
}

// cardKey carries the tapped card in the charge's context: the lanes share
// one terminal, and each charge must read its own customer's card.
type cardKey struct{}

// ctxReader is the in-memory reader: the card on it is the one in the
// context of the charge waiting for it.
type ctxReader struct{}

func (ctxReader) WaitCard(ctx context.Context) (cardterm.CardConn, error) {
	c, ok := ctx.Value(cardKey{}).(*virtualCard)
	if !ok {
		<-ctx.Done()
		return nil, fmt.Errorf("soak: reader: %w (%w)", nfc.ErrNoCard, ctx.Err())
	}
	return cardConn{h: c.handle}, nil
}

type cardConn struct{ h vcard.Handler }

func (c cardConn) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	rsp, err := c.h.Transmit(ctx, apdu)
	if errors.Is(err, vcard.ErrPulled) {
		return nil, fmt.Errorf("soak: card: %w", nfc.ErrCardRemoved)
	}
	return rsp, err
}

func (cardConn) Close() error { return nil }

// cardShare is the share of sales the customers pay by card.
const cardShare = 0.2

// wantsCard reports whether the next customer pays by card.
func wantsCard(r *rand.Rand) bool { return r.Float64() < cardShare }
