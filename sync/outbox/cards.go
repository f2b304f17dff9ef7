package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
)

// Jobs of contactless card payments (sync/cardpay): uploading a payment the
// card approved offline (pos.JobUploadCardCapture), and reversing a card
// payment whose outcome a crash or a dead link left unknown
// (CardResolveKind).
//
// Wiring (in app), next to the payment handlers:
//
//	w.Handlers[pos.JobUploadCardCapture] = outbox.CardCaptureHandler{Store: db, Terminal: term,
//		Link: mon.State, NewID: newID, Now: time.Now}
//	w.Handlers[outbox.CardResolveKind] = outbox.CardResolveHandler{Cards: cardService, Link: mon.State}

// CardResolveKind is the job that reverses a card payment left open.
const CardResolveKind pos.JobKind = "card.resolve"

// cardJob is the payload of both card jobs: which payment, for how much.
// It never holds card data: an outbox payload cannot be changed, and the
// sealed PAN must be wiped after the upload (it lives in card_captures).
type cardJob struct {
	PaymentID string    `json:"payment_id"`
	SaleID    string    `json:"sale_id"`
	Amount    money.Fen `json:"amount_fen"`
	// Provider is the link the job waits for (the acquirer's, UnionPay's):
	// the sync screen files the job under it.
	Provider pos.Provider `json:"provider"`
}

// CardCaptureJob is the job that uploads the offline approval c of sale
// saleID, due at due. Its key is the out_trade_no; its ID is derived from
// it, so enqueueing it again is a no-op, and every try sends the same
// out_trade_no (the acquirer answers a repeat with the order's state).
func CardCaptureJob(c pos.CardCapture, saleID string, due time.Time) pos.Job {
	payload, _ := json.Marshal(cardJob{PaymentID: c.OutTradeNo, SaleID: saleID, Amount: c.Amount, Provider: pos.UnionPay}) // plain struct: cannot fail
	return pos.NewJob("card.capture:"+c.OutTradeNo, pos.JobUploadCardCapture, c.OutTradeNo, payload, due)
}

// CardResolveJob is the job that reverses card payment p should it stay
// open, due at due. It is keyed by itself, not by the payment: a booked
// payment's capture must not wait for it.
func CardResolveJob(p pos.Payment, due time.Time) pos.Job {
	payload, _ := json.Marshal(cardJob{PaymentID: p.ID, SaleID: p.SaleID, Amount: p.Amount, Provider: pos.UnionPay}) // cannot fail
	return pos.NewJob("card.resolve:"+p.ID, CardResolveKind, "", payload, due)
}

// readCardJob decodes a card job's payload.
func readCardJob(j pos.Job) (cardJob, error) {
	var req cardJob
	if err := json.Unmarshal(j.Payload, &req); err != nil || req.PaymentID == "" || req.Amount <= 0 {
		return req, pos.Errorf(pos.CodeInternal, "outbox: card job %s: bad payload %q: %v", j.ID, j.Payload, err)
	}
	return req, nil
}

// CardCaptureStore is what uploading offline card payments needs of
// storage.DB.
type CardCaptureStore interface {
	// PendingCardCapture reads the sealed record; pending is false once
	// the upload was answered (the record is wiped).
	PendingCardCapture(ctx context.Context, paymentID string) (c pos.CardCapture, pending bool, err error)
	// CardCaptured marks the upload cleared and wipes the sealed PAN.
	CardCaptured(ctx context.Context, paymentID, rrn string) error
	// CardCaptureDeclined marks it refused, wipes the sealed PAN and books
	// loss, in one transaction.
	CardCaptureDeclined(ctx context.Context, paymentID, reason string, loss ledger.Entry) error
}

// CardCapturer uploads an offline approval: *cardterm.PCSCTerminal, which
// holds the key that opens the sealed PAN.
type CardCapturer interface {
	Capture(ctx context.Context, c pos.CardCapture) (pos.CardAuthResult, error)
}

// CardCaptureHandler uploads offline card payments
// (pos.JobUploadCardCapture). Cleared, the sealed PAN is wiped; refused
// for good, the payment is a loss: the card receivable is written off to
// ledger.CardOfflineLosses in the same transaction, and storage's
// CardLosses lists it for the owner.
type CardCaptureHandler struct {
	Store        CardCaptureStore
	Terminal     CardCapturer
	Link         LinkFunc     // nil: always try
	LinkProvider pos.Provider // the acquirer's link; "": pos.UnionPay
	NewID        func() string
	Now          func() time.Time // nil: time.Now
}

// Handle uploads the job's capture once. An upload the acquirer did not
// answer is pos.CodeUnavailable (tried again with the same out_trade_no);
// one already answered is done; a record that cannot be opened is parked.
func (h CardCaptureHandler) Handle(ctx context.Context, j pos.Job) error {
	req, err := readCardJob(j)
	if err != nil {
		return err
	}
	if offline(h.Link, h.LinkProvider) {
		return ErrOffline
	}
	c, pending, err := h.Store.PendingCardCapture(ctx, req.PaymentID)
	switch {
	case err != nil:
		return pos.Errorf(pos.ErrorCode(err), "outbox: card capture %s: %w", req.PaymentID, err)
	case !pending:
		return nil // answered before: a job run twice
	case c.Amount != req.Amount:
		clear(c.SealedPAN)
		return pos.Errorf(pos.CodeConflict, "outbox: card capture %s: the job is for %v, the record %v",
			req.PaymentID, req.Amount, c.Amount)
	}
	res, err := h.Terminal.Capture(ctx, c)
	clear(c.SealedPAN)
	if err != nil {
		return pos.Errorf(pos.ErrorCode(err), "outbox: card capture %s: %w", req.PaymentID, err)
	}
	switch res.Status {
	case pos.StatusSuccess:
		return h.Store.CardCaptured(ctx, req.PaymentID, res.RRN)
	case pos.StatusFailed, pos.StatusClosed:
		return h.declined(ctx, req, res)
	}
	return pos.Errorf(pos.CodeUnavailable, "outbox: card capture %s: acquirer answered %s", req.PaymentID, res.Status)
}

// declined books a capture the acquirer refused as a loss.
func (h CardCaptureHandler) declined(ctx context.Context, req cardJob, res pos.CardAuthResult) error {
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	loss, err := CardLossEntry(h.NewID(), now(), req.SaleID, req.PaymentID, req.Amount)
	if err != nil {
		return err
	}
	reason := res.Reason
	if reason == "" {
		reason = "收单机构拒绝脱机交易上送（" + res.Code + "）"
	}
	if err := h.Store.CardCaptureDeclined(ctx, req.PaymentID, reason, loss); err != nil {
		return fmt.Errorf("outbox: card capture %s declined: %w", req.PaymentID, err)
	}
	return nil
}

// CardLossEntry writes off an offline card payment the acquirer refused
// at upload: debit the loss account, credit the card receivable the sale
// debited.
func CardLossEntry(id string, at time.Time, saleID, paymentID string, amount money.Fen) (ledger.Entry, error) {
	var b ledger.Builder
	b.Debit(ledger.CardOfflineLosses, amount)
	b.Credit(ledger.CardReceivable, amount)
	e, err := b.Entry(id, at, saleID, "offline card capture declined "+paymentID)
	if err != nil {
		return e, pos.Errorf(pos.CodeInternal, "outbox: card loss %s: %w", paymentID, err)
	}
	return e, nil
}

// CardResolver is what the resolve job needs of sync/cardpay's Service.
type CardResolver interface {
	// ResolveCard reverses an open card payment; an error with
	// pos.CodeUnavailable while it stays open.
	ResolveCard(ctx context.Context, id string) (pos.Payment, error)
}

// CardResolveHandler reverses card payments left open (CardResolveKind).
type CardResolveHandler struct {
	Cards        CardResolver
	Link         LinkFunc
	LinkProvider pos.Provider // "": pos.UnionPay
}

// Handle resolves the job's payment; done when it is final.
func (h CardResolveHandler) Handle(ctx context.Context, j pos.Job) error {
	req, err := readCardJob(j)
	if err != nil {
		return err
	}
	if offline(h.Link, h.LinkProvider) {
		return ErrOffline
	}
	if _, err := h.Cards.ResolveCard(ctx, req.PaymentID); err != nil {
		return pos.Errorf(pos.ErrorCode(err), "outbox: card resolve %s: %w", req.PaymentID, err)
	}
	return nil
}

// offline reports whether link says provider (default pos.UnionPay) is
// known to be down.
func offline(link LinkFunc, provider pos.Provider) bool {
	if provider == "" {
		provider = pos.UnionPay
	}
	return link != nil && link(provider) == pos.LinkOffline
}
