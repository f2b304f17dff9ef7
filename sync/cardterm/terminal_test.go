package cardterm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"zhanggui/hardware/nfc"
	"zhanggui/hardware/nfc/vcard"
	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/cardterm"
	"zhanggui/sync/providersim"
)

// These tests tap in-memory cards (no pcscd needed); e2e_test.go repeats
// the main stories through pcscd and vpcd.

func TestChargeOnline(t *testing.T) {
	e := newEnv(t)
	c := e.newCard("holder", 10000)
	term := e.terminal(t, newMemReader().present(c.handle), 10000, nil)
	no := newNo()
	res, err := term.Charge(ctx, 25000, no) // above both floor limits: ARQC
	wantResult(t, res, err, true, false, "")
	if len(res.AuthCode) != 6 || len(res.RRN) != 12 || res.TradeNo == "" || res.Capture != nil {
		t.Errorf("Charge = %+v, want an online approval with auth code, RRN and trade number", res)
	}
	if res.MaskedPAN != pos.MaskPAN([]byte(c.info.PAN)) || res.Token != token(c.info.PAN) ||
		res.Scheme != "UnionPay" || res.Label != "UnionPay Debit" {
		t.Errorf("Charge = %+v, want the card masked, tokenized and named", res)
	}
	if net, n := e.net(no); net != 25000 || n != 1 {
		t.Errorf("the acquirer booked %v in %d payments, want 250.00 once", net, n)
	}
	if ttq := c.profile.LastGPO["9F66"]; ttq[1]&0x80 == 0 {
		t.Errorf("TTQ %X: the terminal did not ask for an online cryptogram above the floor", ttq)
	}
	if got := fmt.Sprintf("%X", c.profile.LastGPO["9F02"]); got != "000000025000" {
		t.Errorf("the card signed amount %s, want 000000025000", got)
	}
}

func TestChargeOfflineThenCapture(t *testing.T) {
	e := newEnv(t)
	c := e.newCard("holder", 10000)
	term := e.terminal(t, newMemReader().present(c.handle), 10000, nil)
	no := newNo()
	res, err := term.Charge(ctx, 880, no) // under the floor: the card answers TC
	wantResult(t, res, err, true, true, "")
	if res.Capture == nil || res.AuthCode != "" || res.Code != "TC" {
		t.Fatalf("Charge = %+v, want an offline approval with a capture record", res)
	}
	if net, _ := e.net(no); net != 0 {
		t.Errorf("the acquirer booked %v before the upload", net)
	}
	if ttq := c.profile.LastGPO["9F66"]; ttq[1]&0x80 != 0 {
		t.Errorf("TTQ %X asks for an online cryptogram within the floor limit", ttq)
	}

	stored, err := json.Marshal(res.Capture) // what the outbox keeps until the network is back
	if err != nil {
		t.Fatal(err)
	}
	var job pos.CardCapture
	if err := json.Unmarshal(stored, &job); err != nil {
		t.Fatal(err)
	}
	for range 2 { // an outbox job may run twice: the till died after sending
		up, err := term.Capture(ctx, job)
		if err != nil || up.Status != pos.StatusSuccess || up.Entry != "OFFLINE" || up.Amount != 880 {
			t.Fatalf("Capture = %+v, %v; want an offline capture of 8.80", up, err)
		}
	}
	if net, n := e.net(no); net != 880 || n != 1 {
		t.Errorf("the acquirer booked %v in %d payments, want 8.80 once", net, n)
	}
}

func TestChargeDeclined(t *testing.T) {
	tests := []struct {
		name      string
		cardFloor int64
		amount    money.Fen
		setup     func(e *env, c *card) vcard.Handler
		reason    string
		code      string
	}{
		{"card declines (AAC)", 0, 500, func(e *env, c *card) vcard.Handler { return declining(c.handle) },
			pos.ReasonCardDeclined, "AAC"},
		{"TC above the terminal's floor", 100000, 50000, func(e *env, c *card) vcard.Handler { return c.handle },
			pos.ReasonCardTCOverFloor, "TC"},
		{"issuer declines: balance", 0, 50000, func(e *env, c *card) vcard.Handler {
			e.sim.SetBalance("holder", 100)
			return c.handle
		}, "卡内余额不足，请改用其他卡或其他支付方式", "ARQC 51 FAILED"},
		{"expired card", 0, 500, func(e *env, c *card) vcard.Handler {
			c.profile.Expiry = "200131"
			return c.handle
		}, pos.ReasonCardExpired, "ARQC"},
		{"no QuickPass (format 1)", 0, 500, func(e *env, c *card) vcard.Handler {
			c.profile.Format1 = true
			return c.handle
		}, pos.ReasonCardNoQuickPass, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.newCard("holder", tt.cardFloor)
			term := e.terminal(t, newMemReader().present(tt.setup(e, c)), 10000, nil)
			no := newNo()
			res, err := term.Charge(ctx, tt.amount, no)
			wantResult(t, res, err, false, false, tt.reason)
			if res.Code != tt.code || res.MaskedPAN == "" || res.Capture != nil {
				t.Errorf("Charge = %+v, want code %q, the masked card and no capture", res, tt.code)
			}
			if net, _ := e.net(no); net != 0 {
				t.Errorf("the acquirer booked %v for a declined card", net)
			}
		})
	}
}

func TestChargeUnknownOutcome(t *testing.T) {
	e := newEnv(t)
	c := e.newCard("holder", 0)
	term := e.terminal(t, newMemReader().present(c.handle), 0, nil)
	no := newNo()
	e.sim.Script(providersim.OnOutTradeNo(no), providersim.SystemErrorHiddenSuccess)
	res, err := term.Charge(ctx, 4200, no)
	unknown := "刷卡结果未知，正在查询，请勿让顾客重复刷卡"
	if pos.ErrorCode(err) != pos.CodeUnavailable || res.Approved || res.Reason != unknown {
		t.Fatalf("Charge = %+v, %v; want not approved, outcome unknown (CodeUnavailable)", res, err)
	}
	q, err := e.acq.Query(ctx, no) // what the checkout does next
	if err != nil || q.Status != pos.StatusSuccess || q.Buyer != res.MaskedPAN {
		t.Errorf("Query = %+v, %v; want the hidden success", q, err)
	}
}

// TestCancelAfterTapStillAuthorizes: once the card has answered, the
// cashier's cancel must not cut the authorization short.
func TestCancelAfterTapStillAuthorizes(t *testing.T) {
	e := newEnv(t)
	c := e.newCard("holder", 0)
	cctx, cancel := context.WithCancel(ctx)
	r := newMemReader().present(c.handle)
	r.onClose = cancel // the cashier presses Esc just as the card has been read
	res, err := e.terminal(t, r, 0, nil).Charge(cctx, 1500, newNo())
	wantResult(t, res, err, true, false, "")
}

func TestChargeCardErrors(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		card   vcard.Handler // nil: no card
		target error
		code   pos.Code
		words  string
	}{
		{"malformed", vcard.Malformed(), nfc.ErrMalformedTLV, pos.CodeInvalid, "无法识别此卡"},
		{"pulled mid-transaction", vcard.Pulled(e.newCard("holder", 0).handle), nfc.ErrCardRemoved,
			pos.CodeUnavailable, "卡片已移开，请重新刷卡"},
		{"member card", vcard.Member(vcard.MemberUID), nfc.ErrNoApplication, pos.CodeInvalid, "无法识别此卡"},
		{"no card in time", nil, context.DeadlineExceeded, pos.CodeUnavailable, "请将卡片放在读卡器上"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newMemReader()
			if tt.card != nil {
				r.present(tt.card)
			}
			cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			defer cancel()
			res, err := e.terminal(t, r, 10000, nil).Charge(cctx, 500, newNo())
			if !errors.Is(err, tt.target) || pos.ErrorCode(err) != tt.code {
				t.Fatalf("Charge error = %v (code %s), want %v, %s", err, pos.ErrorCode(err), tt.target, tt.code)
			}
			if got := nfc.ChineseMessage(err); got != tt.words || res.Reason != tt.words || res.Approved {
				t.Errorf("ChineseMessage = %q, result %+v; want %q", got, res, tt.words)
			}
		})
	}
	if n := len(e.sim.Charges()); n != 0 {
		t.Errorf("%d charges at the acquirer; an unread card must send nothing", n)
	}
}

func TestChargeRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	term := e.terminal(t, newMemReader(), 0, nil) // no card: a wait would hang the test
	for _, tt := range []struct {
		amount money.Fen
		no     string
		code   pos.Code
	}{{0, "A1", pos.CodeInvalid}, {-5, "A1", pos.CodeInvalid}, {100, "", pos.CodeInternal},
		{100, "has space", pos.CodeInternal}, {100, strings.Repeat("9", 33), pos.CodeInternal}} {
		res, err := term.Charge(ctx, tt.amount, tt.no)
		if pos.ErrorCode(err) != tt.code || res.Approved || res.Reason == "" {
			t.Errorf("Charge(%d, %q) = %+v, %v; want code %s", tt.amount, tt.no, res, err, tt.code)
		}
	}
}

func TestCaptureRefusesTamperedRecord(t *testing.T) {
	e := newEnv(t)
	c := e.newCard("holder", 10000)
	term := e.terminal(t, newMemReader().present(c.handle), 10000, nil)
	res, err := term.Charge(ctx, 300, newNo())
	wantResult(t, res, err, true, true, "")
	moved := *res.Capture
	moved.OutTradeNo = newNo() // the sealed PAN is bound to its order
	other, err := cardterm.New(cardterm.Config{Acquirer: e.acq, TokenKey: tokenKey,
		SealKey: bytes.Repeat([]byte{1}, 32), Policy: pos.CardPolicy{FloorLimit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	noSeal, err := cardterm.New(cardterm.Config{Acquirer: e.acq, TokenKey: tokenKey})
	if err != nil {
		t.Fatal(err)
	}
	for what, try := range map[string]func() (pos.CardAuthResult, error){
		"another order": func() (pos.CardAuthResult, error) { return term.Capture(ctx, moved) },
		"another key":   func() (pos.CardAuthResult, error) { return other.Capture(ctx, *res.Capture) },
		"no seal key":   func() (pos.CardAuthResult, error) { return noSeal.Capture(ctx, *res.Capture) },
		"damaged": func() (pos.CardAuthResult, error) {
			d := *res.Capture
			d.SealedPAN = d.SealedPAN[:10]
			return term.Capture(ctx, d)
		},
	} {
		up, err := try()
		if pos.ErrorCode(err) != pos.CodeInternal || up.Status != pos.StatusFailed {
			t.Errorf("%s: Capture = %+v, %v; want Failed, CodeInternal", what, up, err)
		}
	}
	if n := len(e.sim.Charges()); n != 0 {
		t.Errorf("%d charges at the acquirer; nothing should have been uploaded", n)
	}
}

func TestNewChecksConfig(t *testing.T) {
	e := newEnv(t)
	for what, cfg := range map[string]cardterm.Config{
		"no acquirer":       {TokenKey: tokenKey},
		"short token key":   {Acquirer: e.acq, TokenKey: tokenKey[:15]},
		"floor without key": {Acquirer: e.acq, TokenKey: tokenKey, Policy: pos.CardPolicy{FloorLimit: 100}},
		"short seal key": {Acquirer: e.acq, TokenKey: tokenKey, SealKey: sealKey[:16],
			Policy: pos.CardPolicy{FloorLimit: 100}},
		"negative floor": {Acquirer: e.acq, TokenKey: tokenKey, Policy: pos.CardPolicy{FloorLimit: -1}},
	} {
		if _, err := cardterm.New(cfg); err == nil {
			t.Errorf("New with %s: no error", what)
		}
	}
}

// TestNoPANInOutput runs every kind of charge with a log and greps all
// that leaves the terminal as text (the log, errors, results printed with
// every verb, the stored capture record) for the PAN and the track 2.
func TestNoPANInOutput(t *testing.T) {
	e := newEnv(t)
	var log bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := e.newCard("holder", 10000)
	var out []string
	charge := func(h vcard.Handler, amount money.Fen, noCard bool) {
		r := newMemReader()
		if !noCard {
			r.present(h)
		}
		cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		term := e.terminal(t, r, 10000, logger)
		res, err := term.Charge(cctx, amount, newNo())
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q"} {
			out = append(out, fmt.Sprintf(verb, res), fmt.Sprintf(verb, err))
		}
		if res.Capture != nil {
			b, _ := json.Marshal(res.Capture)
			up, err := term.Capture(ctx, *res.Capture)
			out = append(out, string(b), fmt.Sprintf("%+v %v", up, err))
		}
	}
	charge(c.handle, 25000, false)          // online
	charge(c.handle, 500, false)            // offline
	charge(declining(c.handle), 500, false) // declined by the card
	charge(vcard.Pulled(c.handle), 500, false)
	charge(nil, 500, true)
	e.sim.SetBalance("holder", 0)
	charge(c.handle, 25000, false) // declined by the issuer
	out = append(out, log.String())
	if !strings.Contains(log.String(), pos.MaskPAN([]byte(c.info.PAN))) {
		t.Errorf("the log does not name the masked card:\n%s", log.String())
	}
	all := strings.Join(out, "\n")
	for _, secret := range []string{c.info.PAN, c.info.PAN[6:15], c.info.PAN + "D", fmt.Sprintf("%X", c.info.PAN)} {
		if strings.Contains(all, secret) {
			t.Errorf("output shows %q:\n%s", secret, all)
		}
	}
}

// TestOneChargeAtATime: a second charge waits for the reader, and can be
// cancelled while it waits.
func TestOneChargeAtATime(t *testing.T) {
	e := newEnv(t)
	r := newMemReader()
	waiting := make(chan struct{})
	r.onWait = func() { close(waiting) } // only the first charge reaches the reader
	term := e.terminal(t, r, 0, nil)
	first, cancelFirst := context.WithCancel(ctx)
	done := make(chan error)
	go func() {
		_, err := term.Charge(first, 500, newNo()) // waits for a card that never comes
		done <- err
	}()
	<-waiting
	second, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := term.Charge(second, 500, newNo()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second Charge = %v, want it to give up waiting for the reader", err)
	}
	cancelFirst()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("first Charge = %v, want context.Canceled", err)
	}
}

// The owner's offline limit is read at each charge: lowered to 0 in
// settings, the next card goes online at once, without a restart.
func TestFloorLimitReadAtEachCharge(t *testing.T) {
	e := newEnv(t)
	c := e.newCard("holder", 10000)
	reader := newMemReader()
	floor := money.Fen(10000)
	term, err := cardterm.New(cardterm.Config{Reader: reader, Acquirer: e.acq,
		FloorLimit: func() money.Fen { return floor }, TokenKey: tokenKey, SealKey: sealKey})
	if err != nil {
		t.Fatal(err)
	}
	reader.present(c.handle)
	res, err := term.Charge(ctx, 880, newNo())
	wantResult(t, res, err, true, true, "") // within the floor: offline
	if ttq := c.profile.LastGPO["9F66"]; ttq[1]&0x80 != 0 {
		t.Fatalf("TTQ %X asks for an online cryptogram within the floor limit", ttq)
	}
	floor = 0 // the owner turns offline cards off
	reader.present(c.handle)
	_, _ = term.Charge(ctx, 880, newNo())
	if ttq := c.profile.LastGPO["9F66"]; ttq[1]&0x80 == 0 {
		t.Errorf("TTQ %X: with the floor at 0 the terminal still lets the card approve offline", ttq)
	}
	if _, err := cardterm.New(cardterm.Config{Acquirer: e.acq, TokenKey: tokenKey,
		FloorLimit: func() money.Fen { return 0 }}); err == nil {
		t.Error("a floor limit read from settings without a seal key was accepted")
	}
}
