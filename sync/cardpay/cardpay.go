package cardpay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Provider is the provider a card payment row names: the acquirer's card
// API, under which the acquirer's bill lists card payments too.
const Provider = pos.Card

// ModeCard is the mode of a card payment row (a tap, not a code or QR).
const ModeCard = pos.ModeCard

// Store is what the service needs of storage.DB.
type Store interface {
	SavePayment(ctx context.Context, p pos.Payment) error
	// SavePaymentWithJobs saves p and enqueues jobs in one transaction.
	SavePaymentWithJobs(ctx context.Context, p pos.Payment, jobs ...pos.Job) error
	Payment(ctx context.Context, id string) (pos.Payment, error)
	// SaveCardSale books the sale, the payment p (succeeded), the capture
	// of an offline approval (c, or nil) and jobs in one transaction.
	SaveCardSale(ctx context.Context, s *pos.Sale, p pos.Payment, c *pos.CardCapture, jobs ...pos.Job) error
	// OfflineCardQueue is what waits for upload at now, and the offline
	// uses today of the card with token ("" for none).
	OfflineCardQueue(ctx context.Context, token string, now time.Time) (pos.OfflineQueue, error)
}

// Terminal takes a card payment: cardterm.Terminal, declared again here by
// its consumer so that this package imports no other adapter
// (*cardterm.PCSCTerminal and an acquirer's ECR terminal implement it).
// A decline is a result with a Reason; an error is either no card read
// (the result has no masked PAN) or, pos.CodeUnavailable after the card
// was read, an unknown outcome.
type Terminal interface {
	Charge(ctx context.Context, amount money.Fen, outTradeNo string) (pos.CardResult, error)
}

// Acquirer is what resolving an unknown outcome needs of the acquirer
// (*unionpay.Client): query the order, and reverse it.
type Acquirer interface {
	Query(ctx context.Context, outTradeNo string) (pos.ProviderResult, error)
	Cancel(ctx context.Context, outTradeNo string) (pos.ProviderResult, error)
}

// Service takes card payments. Set the fields before the first call.
type Service struct {
	Store    Store
	Terminal Terminal
	Acquirer Acquirer // nil: unknown outcomes are left to the resolve job
	// Limits are the offline card limits as set in settings (nil:
	// pos.DefaultOfflineLimits).
	Limits func() pos.OfflineLimits
	// Link tells whether the acquirer (LinkProvider, default
	// pos.UnionPay: the acquirer's probe) is reachable; nil: online.
	Link         func(pos.Provider) pos.Link
	LinkProvider pos.Provider
	// CaptureJob and ResolveJob make the outbox jobs (sync/outbox's
	// CardCaptureJob and CardResolveJob); nil ResolveJob enqueues none.
	CaptureJob func(c pos.CardCapture, saleID string, due time.Time) pos.Job
	ResolveJob func(p pos.Payment, due time.Time) pos.Job
	// Enqueued, if set, is called after a job was saved: Worker.Wake.
	Enqueued func()
	// JobDone, if set, marks a job done (storage's Done): the resolve job
	// of a charge that ended final, so the owner does not see a finished
	// payment as waiting to sync. Left queued, the job finds the payment
	// final and costs no network call.
	JobDone func(ctx context.Context, id string) error
	// ResolveAfter is how long after the tap starts the resolve job falls
	// due (0: DefaultResolveAfter); it waits anyway while a charge owns
	// the payment.
	ResolveAfter time.Duration
	QueryTries   int           // queries of an unknown outcome before reversing it (0: 3)
	QueryEvery   time.Duration // between them (0: 2 s)
	Now          func() time.Time
	NewID        func() string
	// Sleep waits d or until ctx ends; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	Log   *slog.Logger // nil: nothing logged

	busy sync.Map // payment IDs a charge or a resolve is driving now
}

// DefaultResolveAfter is when the resolve job of a card payment falls due.
const DefaultResolveAfter = 2 * time.Minute

// Request is one card charge at the checkout.
type Request struct {
	SaleID string    // the cart the payment is for
	Amount money.Fen // what the card pays: what remains due
	// Book makes the sale with the card tender added to the tenders taken
	// before (numbered, with its journal entry); the service saves it
	// with the payment. It runs once the card is approved.
	Book func(card pos.Tender) (*pos.Sale, error)
}

// Stage is a step of a charge the screen shows.
type Stage int

// The stages.
const (
	StageTap       Stage = iota + 1 // waiting for the customer's card
	StageQuerying                   // no clear answer: asking the acquirer
	StageReversing                  // reversing an order whose outcome stayed unknown
	StageBooking                    // approved: saving the sale
)

// Outcome is how a charge ended. Approved when Sale is set; otherwise
// Reason says why in Chinese and Cash whether to offer cash now.
type Outcome struct {
	Payment pos.Payment    // the attempt; ID "" when refused before the tap
	Card    pos.CardResult // the card as the terminal saw it (masked)
	Sale    *pos.Sale      // the booked sale, when approved
	Offline bool           // approved offline: the capture waits for upload
	Reason  string         // for the cashier when not approved
	Cash    bool           // nothing was charged: cash (or another try) is fine
	Pending bool           // the outcome is still unknown: 待确认, a job reverses it
}

// Approved reports whether the card paid and the sale is booked.
func (o Outcome) Approved() bool { return o.Sale != nil }

// Words for the cashier that the terminal and the limits do not give.
const (
	ReasonOfflineNotAllowed = "收单网络不可用，且未开启脱机刷卡，请改收现金"
	ReasonBookFailed        = "刷卡已批准但订单保存失败，已撤销刷卡，请重新收款"
	ReasonReversed          = "刷卡结果无法确认，已撤销该笔交易，顾客未被扣款，请重新收款或改收现金"
	ReasonPending           = "刷卡结果未知，正在撤销；确认前请勿重复收款（待确认）"
)

// Charge takes a card payment of r.Amount: it checks the offline limits
// when the acquirer is unreachable, saves the payment as authorizing,
// charges the card and books the sale. A decline, a refusal by the limits
// and an unread card are outcomes with a Reason, not errors; an error
// means the service could not record something (the outcome says what is
// known).
func (s *Service) Charge(ctx context.Context, r Request, stage func(Stage)) (Outcome, error) {
	if r.Book == nil || r.Amount <= 0 {
		return Outcome{}, pos.Errorf(pos.CodeInternal, "cardpay: charge of %v for %q without a booking", r.Amount, r.SaleID)
	}
	if s.linkDown() {
		if out, err := s.precheck(ctx, r.Amount); err != nil || out.Reason != "" {
			return out, err
		}
	}
	p, jobID, err := s.start(ctx, r)
	if err != nil {
		return Outcome{Payment: p, Reason: reasonNotSentWords, Cash: true}, err
	}
	defer s.busy.Delete(p.ID)
	out, err := s.charge(ctx, r, p, stage)
	if out.Payment.State.Final() && jobID != "" && s.JobDone != nil {
		if derr := s.JobDone(context.WithoutCancel(ctx), jobID); derr != nil {
			s.log().Warn("card payment: resolve job not marked done", "job", jobID, "err", derr)
		}
	}
	return out, err
}

// charge taps the card for p and acts on the terminal's answer.
func (s *Service) charge(ctx context.Context, r Request, p pos.Payment, stage func(Stage)) (Outcome, error) {
	notify(stage, StageTap)
	res, cerr := s.Terminal.Charge(ctx, r.Amount, p.ID)
	out := Outcome{Payment: p, Card: res}
	switch {
	case cerr != nil && unknown(res, cerr):
		return s.unknown(ctx, r, out, cerr, stage)
	case cerr != nil || !res.Approved:
		return s.fail(ctx, out, res.Reason, cerr)
	case res.Offline:
		return s.offline(ctx, r, out, stage)
	}
	return s.book(ctx, r, out, nil, stage)
}

// reasonNotSentWords is what the cashier reads when the payment could not
// even be recorded.
const reasonNotSentWords = "无法记录刷卡交易，未扣款，请改收现金"

// unknown reports whether a charge's error leaves the outcome unknown: the
// card was read (so the authorization may have left) and the error is
// not a definite one.
func unknown(res pos.CardResult, err error) bool {
	return res.MaskedPAN != "" && pos.ErrorCode(err) == pos.CodeUnavailable
}

// linkDown reports whether the acquirer is known to be unreachable.
func (s *Service) linkDown() bool {
	if s.Link == nil {
		return false
	}
	p := s.LinkProvider
	if p == "" {
		p = pos.UnionPay
	}
	return s.Link(p) == pos.LinkOffline
}

// precheck refuses, before the customer taps, an offline payment the
// limits already forbid (the card's own count is checked after the tap).
func (s *Service) precheck(ctx context.Context, amount money.Fen) (Outcome, error) {
	lim := s.limits()
	if lim.FloorFen == 0 {
		return Outcome{Reason: ReasonOfflineNotAllowed, Cash: true}, nil
	}
	q, err := s.Store.OfflineCardQueue(ctx, "", s.Now())
	if err != nil {
		return Outcome{Reason: reasonNotSentWords, Cash: true}, fmt.Errorf("cardpay: offline check: %w", err)
	}
	if err := lim.Check(amount, q, s.Now()); err != nil {
		s.log().Info("card refused offline before the tap", "amount", amount, "err", err)
		return Outcome{Reason: pos.OfflineReason(err), Cash: true}, nil
	}
	return Outcome{}, nil
}

// start saves the attempt as authorizing, with the job that resolves it
// should the till die before it knows the outcome (its ID returned), and
// owns it.
func (s *Service) start(ctx context.Context, r Request) (pos.Payment, string, error) {
	now := s.Now()
	p, err := pos.NewPayment(s.NewID(), r.SaleID, Provider, ModeCard, r.Amount, now)
	if err != nil {
		return pos.Payment{}, "", fmt.Errorf("cardpay: %w", err)
	}
	p.Staff = pos.ActorOf(ctx) // the screen's context names who takes it
	if p, err = p.Next(pos.EvSend, now); err != nil {
		return pos.Payment{}, "", fmt.Errorf("cardpay: %w", err)
	}
	s.busy.Store(p.ID, struct{}{})
	var jobs []pos.Job
	if s.ResolveJob != nil {
		jobs = append(jobs, s.ResolveJob(p, now.Add(s.resolveAfter())))
	}
	if err := s.Store.SavePaymentWithJobs(ctx, p, jobs...); err != nil {
		s.busy.Delete(p.ID)
		return pos.Payment{}, "", fmt.Errorf("cardpay: save %s as authorizing: %w", p.ID, err)
	}
	s.enqueued(len(jobs))
	if len(jobs) == 0 {
		return p, "", nil
	}
	return p, jobs[0].ID, nil
}

// offline accepts an offline approval within the limits (the card's uses
// counted by its token), or drops it: a TC never uploaded charges nothing.
func (s *Service) offline(ctx context.Context, r Request, out Outcome, stage func(Stage)) (Outcome, error) {
	c := out.Card.Capture
	if c == nil || out.Card.Token == "" {
		return s.fail(ctx, out, ReasonBookFailed, pos.Errorf(pos.CodeInternal,
			"cardpay: offline approval %s without a capture record", out.Payment.ID))
	}
	q, err := s.Store.OfflineCardQueue(ctx, out.Card.Token, s.Now())
	if err == nil {
		err = s.limits().Check(r.Amount, q, s.Now())
	}
	if err != nil {
		reason := pos.OfflineReason(err)
		if reason == "" {
			reason = reasonNotSentWords
		}
		clear(c.SealedPAN)
		return s.fail(ctx, out, reason, err)
	}
	out.Offline = true
	return s.book(ctx, r, out, c, stage)
}

// book saves the approved payment with its sale (and, offline, its
// capture and upload job). An online approval that cannot be booked is
// reversed: the customer must not pay for a sale the till lacks.
func (s *Service) book(ctx context.Context, r Request, out Outcome, c *pos.CardCapture, stage func(Stage)) (Outcome, error) {
	notify(stage, StageBooking)
	ctx = context.WithoutCancel(ctx) // the card has paid: finish recording it
	p, err := s.succeeded(out)
	var sale *pos.Sale
	if err == nil {
		sale, err = r.Book(out.Card.Tender(r.Amount, p.ID))
	}
	if err == nil {
		err = s.saveSale(ctx, sale, p, c)
	}
	if c != nil {
		clear(c.SealedPAN) // stored sealed, or dropped with the sale
	}
	if err != nil {
		s.log().Error("card approved but not booked", "payment", p.ID, "card", out.Card.MaskedPAN, "err", err)
		if out.Offline {
			return s.fail(ctx, out, ReasonBookFailed, err)
		}
		return s.reverse(ctx, out, err, stage)
	}
	out.Payment, out.Sale = p, sale
	return out, nil
}

// succeeded is the payment after its approval, with the card's references.
func (s *Service) succeeded(out Outcome) (pos.Payment, error) {
	p, err := out.Payment.Next(pos.EvSuccess, s.Now())
	if err != nil {
		return out.Payment, fmt.Errorf("cardpay: %w", err)
	}
	p.TradeNo, p.Buyer, p.Reason = out.Card.TradeNo, out.Card.MaskedPAN, ""
	if out.Card.Offline {
		p.Reason = "脱机批准"
	}
	return p, nil
}

// saveSale books the sale with the payment, and an offline capture with
// its upload job.
func (s *Service) saveSale(ctx context.Context, sale *pos.Sale, p pos.Payment, c *pos.CardCapture) error {
	var jobs []pos.Job
	if c != nil {
		if s.CaptureJob == nil {
			return pos.Errorf(pos.CodeInternal, "cardpay: offline approval %s but no capture job configured", p.ID)
		}
		jobs = append(jobs, s.CaptureJob(*c, sale.ID, s.Now()))
	}
	if err := s.Store.SaveCardSale(ctx, sale, p, c, jobs...); err != nil {
		return fmt.Errorf("cardpay: book %s: %w", p.ID, err)
	}
	s.enqueued(len(jobs))
	return nil
}

// fail records a payment that charged nothing and says why.
func (s *Service) fail(ctx context.Context, out Outcome, reason string, cause error) (Outcome, error) {
	if reason == "" {
		reason = pos.ReasonCardDeclined
	}
	if cause != nil {
		s.log().Warn("card payment not taken", "payment", out.Payment.ID, "card", out.Card.MaskedPAN, "err", cause)
	}
	out.Reason, out.Cash = reason, true
	p, err := s.step(context.WithoutCancel(ctx), out.Payment, pos.EvFail, reason, out.Card)
	out.Payment = p
	return out, err
}

// step moves p by ev, keeps reason and the masked card, and saves it.
func (s *Service) step(ctx context.Context, p pos.Payment, ev pos.PayEvent, reason string, card pos.CardResult) (pos.Payment, error) {
	next, err := p.Next(ev, s.Now())
	if err != nil {
		return p, fmt.Errorf("cardpay: %w", err)
	}
	next.Reason = reason
	if card.MaskedPAN != "" {
		next.Buyer = card.MaskedPAN
	}
	if card.TradeNo != "" {
		next.TradeNo = card.TradeNo
	}
	if err := s.Store.SavePayment(ctx, next); err != nil {
		return p, fmt.Errorf("cardpay: save %s as %s: %w", p.ID, next.State, err)
	}
	return next, nil
}

func (s *Service) limits() pos.OfflineLimits {
	if s.Limits == nil {
		return pos.DefaultOfflineLimits()
	}
	return s.Limits()
}

func (s *Service) resolveAfter() time.Duration {
	if s.ResolveAfter <= 0 {
		return DefaultResolveAfter
	}
	return s.ResolveAfter
}

func (s *Service) enqueued(n int) {
	if n > 0 && s.Enqueued != nil {
		s.Enqueued()
	}
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func notify(f func(Stage), st Stage) {
	if f != nil {
		f(st)
	}
}

// errOwned means a charge or another resolve is deciding the payment now.
var errOwned = errors.New("cardpay: the payment is being charged or resolved now")
