package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"zhanggui/app/ui"
	"zhanggui/hardware/nfc"
	"zhanggui/hardware/nfc/pcsc"
	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/sync/cardpay"
	"zhanggui/sync/cardterm"
	"zhanggui/sync/outbox"
	"zhanggui/sync/payments"
	"zhanggui/sync/unionpay"
)

// Contactless card payments: a PC/SC reader (pcscd) on the till, the
// acquirer's card API (the simulator in a demo shop, the configured
// acquirer channel otherwise), the card payment service, and the outbox
// handlers that upload offline approvals and reverse what a crash left
// open.

// cardKeyFile holds the key that seals the PAN of offline card approvals
// until their upload, and keys the card tokens. Like secret.key it lives
// outside the database: a copy of the database reveals no card number.
// Losing it loses the uploads still waiting (they cannot be opened).
const cardKeyFile = "card.key"

var (
	_ cardpay.Store           = (*storage.DB)(nil)
	_ cardpay.Acquirer        = (*unionpay.Client)(nil)
	_ cardpay.Terminal        = (*cardterm.PCSCTerminal)(nil)
	_ outbox.CardCaptureStore = (*storage.DB)(nil)
	_ outbox.CardCapturer     = (*cardterm.PCSCTerminal)(nil)
	_ outbox.CardResolver     = (*cardpay.Service)(nil)
	_ cardterm.Acquirer       = (*unionpay.Client)(nil)
	_ cardterm.Terminal       = (*cardterm.PCSCTerminal)(nil)
)

// cardSetup is the card side of a running till.
type cardSetup struct {
	service  *cardpay.Service
	terminal *cardterm.PCSCTerminal
	db       *storage.DB
	link     func(pos.Provider) pos.Link
}

// newCards makes the terminal and the service. Before the outbox starts,
// cs.register(pay.outbox) gives it the card handlers.
func newCards(db *storage.DB, pay *paymentSetup, dataDir string, log *slog.Logger) (*cardSetup, error) {
	acq, ok := pay.rawClient(pos.UnionPay).(*unionpay.Client)
	if !ok {
		return nil, errors.New("app: cards: no acquirer channel configured")
	}
	key, err := storage.LoadOrCreateKey(filepath.Join(dataDir, cardKeyFile))
	if err != nil {
		return nil, err
	}
	limits := func() pos.OfflineLimits { // as set in Settings, read at each payment
		st, err := db.Settings(context.Background())
		if err != nil {
			log.Warn("cards: offline limits from settings", "err", err)
			return pos.DefaultOfflineLimits() // the safe defaults
		}
		return st.OfflineCards
	}
	term, err := cardterm.New(cardterm.Config{Acquirer: acq, FloorLimit: func() money.Fen { return limits().FloorFen },
		TokenKey: subKey(key, "card token"), SealKey: subKey(key, "card seal"), Logger: log})
	if err != nil {
		return nil, err
	}
	cs := &cardSetup{terminal: term, db: db, link: pay.links.State}
	cs.service = &cardpay.Service{Store: db, Terminal: term, Acquirer: acq, Limits: limits, Link: pay.links.State,
		CaptureJob: outbox.CardCaptureJob, ResolveJob: outbox.CardResolveJob, JobDone: db.Done,
		Now: time.Now, NewID: newID, Log: log}
	return cs, nil
}

// subKey derives a key for one use from the card key file's key.
func subKey(key []byte, use string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("zhanggui " + use))
	return m.Sum(nil)
}

// register gives the outbox worker the card jobs' handlers and lets the
// service wake it when it enqueues one. Call it before o.start.
func (cs *cardSetup) register(o *outboxSetup) {
	for kind, h := range cs.handlers() {
		o.register(kind, h)
	}
	cs.service.Enqueued = o.worker.Wake
}

// handlers are the outbox handlers of card payments, by job kind.
func (cs *cardSetup) handlers() map[pos.JobKind]outbox.Handler {
	if cs.service == nil {
		return nil
	}
	return map[pos.JobKind]outbox.Handler{
		pos.JobUploadCardCapture: outbox.CardCaptureHandler{Store: cs.db, Terminal: cs.terminal, Link: cs.link,
			NewID: newID, Now: time.Now},
		outbox.CardResolveKind: outbox.CardResolveHandler{Cards: cs.service, Link: cs.link},
	}
}

// uiDeps adapts the service to the checkout's CardDeps. The reader is
// looked for through pcscd at each F1: none, and the checkout shows 未连接读卡器.
func (cs *cardSetup) uiDeps() ui.CardDeps {
	if cs.service == nil {
		return ui.CardDeps{}
	}
	return ui.CardDeps{Charge: cs.charge, Reader: anyReader}
}

// anyReader reports whether pcscd has a reader attached.
func anyReader() error {
	readers, err := pcsc.ListReaders()
	if err == nil && len(readers) == 0 {
		err = nfc.ErrNoReader
	}
	return err
}

// charge runs a card charge for the checkout.
func (cs *cardSetup) charge(ctx context.Context, r ui.CardRequest, stage func(ui.CardStage)) (ui.CardOutcome, error) {
	out, err := cs.service.Charge(ctx, cardpay.Request{SaleID: r.SaleID, Amount: r.Amount, Book: r.Book},
		func(st cardpay.Stage) { stage(cardStages[st]) })
	return ui.CardOutcome{Payment: out.Payment, Sale: out.Sale, Offline: out.Offline, MaskedPAN: out.Card.MaskedPAN,
		Reason: out.Reason, Cash: out.Cash, Pending: out.Pending}, err
}

// cardStages names the service's stages in the checkout's words.
var cardStages = map[cardpay.Stage]ui.CardStage{cardpay.StageTap: ui.CardTap, cardpay.StageQuerying: ui.CardQuerying,
	cardpay.StageReversing: ui.CardReversing, cardpay.StageBooking: ui.CardBooking}

// tillPayments is the payment service the screens use: wallets through
// payments.Service, and the 查询 of a card payment through the card
// service (the acquirer's card API is not a wallet provider).
type tillPayments struct {
	*payments.Service
	cards *cardpay.Service // nil when card payments are off
	store pos.PaymentStore
}

var _ ui.PaymentService = tillPayments{}

// Resolve brings an open payment to a final state if its provider answers.
func (t tillPayments) Resolve(ctx context.Context, id string) (pos.Payment, error) {
	if t.cards != nil {
		p, err := t.store.Payment(ctx, id)
		if err != nil {
			return p, err
		}
		if p.Provider == pos.Card {
			return t.cards.ResolveCard(ctx, id)
		}
	}
	return t.Service.Resolve(ctx, id)
}
