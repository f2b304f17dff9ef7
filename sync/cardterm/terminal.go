package cardterm

import (
	"bytes"
	"cmp"
	"context"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"zhanggui/hardware/nfc"
	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Terminal takes card payments. PCSCTerminal implements it with a PC/SC
// reader and the acquirer's card API; an acquirer's certified POS terminal,
// driven through its ECR link, implements the same interface.
type Terminal interface {
	// Charge waits for a card and charges amount to it as the payment
	// attempt outTradeNo (made and stored by the caller before the call,
	// reused by a retry). A decline is a result with Approved false and a
	// Reason for the cashier, not an error. An error means either that no
	// card was read (it wraps package nfc's sentinels; nfc.ChineseMessage
	// words it, and the result's Reason holds those words), or that the
	// outcome is unknown (pos.CodeUnavailable): the caller must query the
	// order at the acquirer, never assume it failed.
	Charge(ctx context.Context, amount money.Fen, outTradeNo string) (pos.CardResult, error)
}

// Acquirer is what PCSCTerminal needs of the acquirer's card API;
// *unionpay.Client implements it. A nil error means a definite answer.
type Acquirer interface {
	CardAuthorize(ctx context.Context, r pos.CardAuthRequest) (pos.CardAuthResult, error)
	CardCapture(ctx context.Context, r pos.CardAuthRequest) (pos.CardAuthResult, error)
}

// Config configures a PCSCTerminal.
type Config struct {
	Reader   Reader   // where cards are tapped; nil: PCSCReader{} (any reader)
	Acquirer Acquirer // required
	Policy   pos.CardPolicy
	// FloorLimit, if set, is read at each charge and replaces
	// Policy.FloorLimit: the owner's offline limit as saved in settings now
	// (nil: Policy's, fixed). SealKey is then required.
	FloorLimit func() money.Fen
	// TokenKey keys the card tokens (HMAC-SHA256): at least 16 secret
	// bytes, the same for the life of the shop's data, or cards are no
	// longer recognised.
	TokenKey []byte
	// SealKey (32 bytes, AES-256) seals the PAN of offline approvals until
	// their upload. Required when Policy.FloorLimit > 0; losing it loses
	// the uploads that wait.
	SealKey []byte
	// AuthTimeout bounds an online authorization once the card has
	// answered (0: DefaultAuthTimeout).
	AuthTimeout time.Duration
	Location    *time.Location   // the till's zone, for the date the card signs; nil: China (UTC+8)
	Now         func() time.Time // nil: time.Now
	Rand        io.Reader        // unpredictable numbers and nonces; nil: crypto/rand
	Logger      *slog.Logger     // one line per charge, card data masked; nil: none
}

// DefaultAuthTimeout bounds an online authorization when Config sets none.
const DefaultAuthTimeout = 30 * time.Second

// minTokenKey is the shortest token key accepted (as nfc.Card.Token).
const minTokenKey = 16

// ttqOnlineRequired is bit 8 of the second TTQ byte (9F66): "online
// cryptogram required", sent when the amount is above the floor limit.
const ttqOnlineRequired = 0x80

// Words for the cashier that neither nfc nor the acquirer provides.
const (
	reasonBadCharge = "收款金额或订单号无效，请重新发起收款"
	reasonNoExpiry  = "卡片数据不完整，请改用其他支付方式"
	reasonInternal  = "刷卡处理出错，未扣款，请改用其他支付方式"
	reasonUnknown   = "刷卡结果未知，正在查询，请勿让顾客重复刷卡"
	reasonUnseal    = "脱机刷卡记录无法解密，无法上送，请联系管理员"
)

// PCSCTerminal is a Terminal made of a card reader on the till and the
// acquirer's card API: it reads the card with hardware/nfc, decides by
// pos.CardPolicy, authorizes ARQCs online and approves TCs within the
// floor limit offline, for Capture later. It charges one card at a time.
type PCSCTerminal struct {
	cfg  Config
	aead cipher.AEAD   // seals offline PANs; nil when offline approval is off
	busy chan struct{} // holds one token while a charge uses the reader
}

var _ Terminal = (*PCSCTerminal)(nil)

// New checks cfg and makes a terminal.
func New(cfg Config) (*PCSCTerminal, error) {
	switch {
	case cfg.Acquirer == nil:
		return nil, errors.New("cardterm: config: no acquirer")
	case len(cfg.TokenKey) < minTokenKey:
		return nil, fmt.Errorf("cardterm: config: token key of %d bytes, at least %d", len(cfg.TokenKey), minTokenKey)
	case cfg.Policy.FloorLimit < 0:
		return nil, fmt.Errorf("cardterm: config: floor limit %v", cfg.Policy.FloorLimit)
	case (cfg.Policy.FloorLimit > 0 || cfg.FloorLimit != nil) && len(cfg.SealKey) == 0:
		return nil, errors.New("cardterm: config: a floor limit needs a seal key for the offline approvals")
	}
	t := &PCSCTerminal{cfg: cfg, busy: make(chan struct{}, 1)}
	t.cfg.TokenKey = bytes.Clone(cfg.TokenKey)
	t.cfg.SealKey = nil // the cipher keeps what it needs
	if len(cfg.SealKey) > 0 {
		aead, err := newAEAD(cfg.SealKey)
		if err != nil {
			return nil, err
		}
		t.aead = aead
	}
	t.defaults()
	return t, nil
}

// defaults fills the optional fields.
func (t *PCSCTerminal) defaults() {
	c := &t.cfg
	if c.Reader == nil {
		c.Reader = PCSCReader{}
	}
	if c.AuthTimeout <= 0 {
		c.AuthTimeout = DefaultAuthTimeout
	}
	if c.Location == nil {
		c.Location = time.FixedZone("CST", 8*3600)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
}

// policy is the card policy of a charge starting now.
func (t *PCSCTerminal) policy() pos.CardPolicy {
	p := t.cfg.Policy
	if t.cfg.FloorLimit != nil {
		p.FloorLimit = max(0, t.cfg.FloorLimit())
	}
	return p
}

// Charge waits for a card (until ctx ends), reads it for amount, and
// approves it online, offline or not at all (see Terminal). An offline
// approval comes with Offline and Capture set: store the capture with the
// sale and upload it with Capture. Once the card has answered, ctx no
// longer interrupts: the authorization runs to its answer or AuthTimeout,
// because one cut short is an unknown outcome.
func (t *PCSCTerminal) Charge(ctx context.Context, amount money.Fen, outTradeNo string) (pos.CardResult, error) {
	if err := checkCharge(amount, outTradeNo); err != nil {
		return pos.CardResult{Reason: reasonBadCharge}, err
	}
	select { // one card on the reader at a time; a charge waiting its turn can still be cancelled
	case t.busy <- struct{}{}:
		defer func() { <-t.busy }()
	case <-ctx.Done():
		err := readError(outTradeNo, fmt.Errorf("cardterm: waiting for another charge: %w", ctx.Err()))
		return pos.CardResult{Reason: nfc.ChineseMessage(err)}, err
	}
	tp, err := t.tap(ctx, amount)
	if err != nil {
		res := pos.CardResult{Reason: nfc.ChineseMessage(err)}
		err = readError(outTradeNo, err)
		t.log(ctx, outTradeNo, amount, res, err)
		return res, err
	}
	defer tp.card.Wipe()
	res, err := t.decide(ctx, tp, amount, outTradeNo)
	t.log(ctx, outTradeNo, amount, res, err)
	return res, err
}

// checkCharge refuses what no card should see.
func checkCharge(amount money.Fen, outTradeNo string) error {
	if amount <= 0 || amount > money.MaxFen {
		return pos.Errorf(pos.CodeInvalid, "cardterm: charge %s: amount %v", outTradeNo, amount)
	}
	const alnum = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	if len(outTradeNo) == 0 || len(outTradeNo) > 32 || strings.Trim(outTradeNo, alnum) != "" {
		return pos.Errorf(pos.CodeInternal, "cardterm: out_trade_no %q is not 1-32 letters and digits", outTradeNo)
	}
	return nil
}

// tapped is a card read for one transaction, with what the terminal told
// it: the card signed the date of at and the unpredictable number un.
type tapped struct {
	card *nfc.Card
	at   time.Time // in the till's zone
	un   [4]byte
}

// tap waits for a card and reads it for amount. The connection is closed
// once the card has answered: nothing more is asked of it.
func (t *PCSCTerminal) tap(ctx context.Context, amount money.Fen) (tapped, error) {
	var tp tapped
	if _, err := io.ReadFull(t.cfg.Rand, tp.un[:]); err != nil {
		return tp, fmt.Errorf("cardterm: unpredictable number: %w", err)
	}
	conn, err := t.cfg.Reader.WaitCard(ctx)
	if err != nil {
		return tp, err
	}
	defer func() { _ = conn.Close() }() // the card has said all we need; a failed close changes nothing
	tp.at = t.cfg.Now().In(t.cfg.Location)
	ttq := nfc.DefaultTTQ
	if t.policy().OnlineRequired(amount) {
		ttq[1] |= ttqOnlineRequired
	}
	txn := nfc.Transaction{Amount: int64(amount), At: tp.at, TTQ: ttq, Rand: bytes.NewReader(tp.un[:])}
	tp.card, err = nfc.ReadCard(ctx, conn, txn)
	return tp, err
}

// readError classifies a failed read: a card that cannot be used is
// CodeInvalid (another card or method helps), anything else (no service,
// no reader, no card in time, a card pulled away) CodeUnavailable.
func readError(outTradeNo string, err error) error {
	code := pos.CodeUnavailable
	if errors.Is(err, nfc.ErrMalformedTLV) || errors.Is(err, nfc.ErrNoApplication) ||
		errors.Is(err, nfc.ErrBadResponse) || errors.As(err, new(*nfc.StatusError)) {
		code = pos.CodeInvalid
	}
	return pos.Errorf(code, "cardterm: charge %s: %w", outTradeNo, err)
}

// decide masks and tokenizes the card, then routes it by the policy.
func (t *PCSCTerminal) decide(ctx context.Context, tp tapped, amount money.Fen, no string) (pos.CardResult, error) {
	c := tp.card
	res := pos.CardResult{MaskedPAN: c.Masked(), Scheme: c.Scheme, Label: c.Label, Code: c.CryptogramType.String()}
	token, err := c.Token(t.cfg.TokenKey)
	if err != nil {
		res.Reason = reasonInternal
		return res, pos.Errorf(pos.CodeInternal, "cardterm: charge %s: %w", no, err)
	}
	res.Token = token
	if c.Expiry.Year == 0 {
		res.Reason = reasonNoExpiry
		return res, nil
	}
	route, reason := t.policy().Route(cryptogramOf(c.CryptogramType), amount, c.Expiry.Expired(tp.at))
	switch route {
	case pos.CardOnline:
		return t.authorize(ctx, tp, amount, no, res)
	case pos.CardOffline:
		return t.approveOffline(tp, amount, no, res)
	}
	res.Reason = reason
	return res, nil
}

// cryptogramOf names nfc's cryptogram type in the domain's words.
func cryptogramOf(c nfc.CryptogramType) pos.CardCryptogram {
	switch c {
	case nfc.ARQC:
		return pos.CryptogramARQC
	case nfc.TC:
		return pos.CryptogramTC
	case nfc.AAC:
		return pos.CryptogramAAC
	}
	return pos.CryptogramNone
}

// authorize sends the ARQC to the acquirer. The PAN is revealed only for
// the call and zeroed when it returns.
func (t *PCSCTerminal) authorize(ctx context.Context, tp tapped, amount money.Fen, no string,
	res pos.CardResult) (pos.CardResult, error) {
	req := request(tp, amount, no, pos.CryptogramARQC)
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.cfg.AuthTimeout)
	defer cancel()
	var ar pos.CardAuthResult
	err := tp.card.RevealPAN(func(pan []byte) error {
		req.PAN = pan
		defer req.Wipe()
		var err error
		ar, err = t.cfg.Acquirer.CardAuthorize(actx, req)
		return err
	})
	res.TradeNo, res.AuthCode, res.RRN = ar.TradeNo, ar.AuthCode, ar.RRN
	res.Code = strings.TrimSpace(res.Code + " " + ar.Code)
	if err != nil {
		res.Reason = cmp.Or(ar.Reason, reasonUnknown)
		return res, fmt.Errorf("cardterm: authorize %s: %w", no, err)
	}
	res.Approved = ar.Status == pos.StatusSuccess
	if !res.Approved {
		res.Reason = ar.Reason
	}
	return res, nil
}

// approveOffline approves a TC within the floor limit and keeps what its
// upload needs, the PAN sealed.
func (t *PCSCTerminal) approveOffline(tp tapped, amount money.Fen, no string,
	res pos.CardResult) (pos.CardResult, error) {
	req := request(tp, amount, no, pos.CryptogramTC)
	c := pos.CardCapture{OutTradeNo: no, Amount: amount, MaskedPAN: res.MaskedPAN, Token: res.Token,
		PANSeq: req.PANSeq, Expiry: req.Expiry, ATC: req.ATC, UN: req.UN, TxnDate: req.TxnDate,
		TC: req.Cryptogram, ApprovedAt: tp.at.UTC()}
	err := tp.card.RevealPAN(func(pan []byte) error {
		var err error
		c.SealedPAN, err = seal(t.aead, t.cfg.Rand, pan, no)
		return err
	})
	if err != nil {
		res.Reason = reasonInternal
		return res, pos.Errorf(pos.CodeInternal, "cardterm: charge %s: %w", no, err)
	}
	res.Approved, res.Offline, res.Capture = true, true, &c
	return res, nil
}

// request is the acquirer request for a card read, without the PAN.
func request(tp tapped, amount money.Fen, no string, kind pos.CardCryptogram) pos.CardAuthRequest {
	c := tp.card
	return pos.CardAuthRequest{OutTradeNo: no, Amount: amount, PANSeq: c.PSN,
		Expiry: fmt.Sprintf("%02d%02d", c.Expiry.Year%100, int(c.Expiry.Month)), ATC: c.ATC, UN: tp.un,
		TxnDate: tp.at.Format("060102"), Cryptogram: bytes.Clone(c.Cryptogram), Kind: kind}
}

// Capture uploads an offline approval that Charge returned (the outbox
// job the checkout queues for it): the sealed PAN is opened for the call
// and zeroed after. The acquirer's answer is as unionpay's CardCapture:
// Success cleared; Failed refused for good (the merchant's loss, for a
// person); Unknown with a CodeUnavailable error, to try again later with
// the same record. A record that does not unseal is CodeInternal.
func (t *PCSCTerminal) Capture(ctx context.Context, c pos.CardCapture) (pos.CardAuthResult, error) {
	if t.aead == nil {
		return pos.CardAuthResult{Status: pos.StatusFailed, Reason: reasonUnseal},
			pos.Errorf(pos.CodeInternal, "cardterm: capture %s: no seal key configured", c.OutTradeNo)
	}
	pan, err := unseal(t.aead, c.SealedPAN, c.OutTradeNo)
	if err != nil {
		return pos.CardAuthResult{Status: pos.StatusFailed, Reason: reasonUnseal},
			pos.Errorf(pos.CodeInternal, "cardterm: capture %s: %w", c.OutTradeNo, err)
	}
	req := pos.CardAuthRequest{OutTradeNo: c.OutTradeNo, Amount: c.Amount, PAN: pan, PANSeq: c.PANSeq,
		Expiry: c.Expiry, ATC: c.ATC, UN: c.UN, TxnDate: c.TxnDate, Cryptogram: c.TC,
		Kind: pos.CryptogramTC, ApprovedAt: c.ApprovedAt}
	defer req.Wipe()
	res, err := t.cfg.Acquirer.CardCapture(ctx, req)
	if err != nil {
		return res, fmt.Errorf("cardterm: capture %s: %w", c.OutTradeNo, err)
	}
	return res, nil
}

// log writes one line about a charge; card data only masked.
func (t *PCSCTerminal) log(ctx context.Context, no string, amount money.Fen, res pos.CardResult, err error) {
	if t.cfg.Logger == nil {
		return
	}
	level := slog.LevelInfo
	attrs := []slog.Attr{slog.String("out_trade_no", no), slog.String("amount", amount.String()),
		slog.String("card", res.MaskedPAN), slog.String("scheme", res.Scheme), slog.Bool("approved", res.Approved),
		slog.Bool("offline", res.Offline), slog.String("code", res.Code), slog.String("rrn", res.RRN)}
	if err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("err", err.Error()))
	}
	t.cfg.Logger.LogAttrs(ctx, level, "cardterm: charge", attrs...)
}
