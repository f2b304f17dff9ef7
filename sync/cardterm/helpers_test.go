package cardterm_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"zhanggui/hardware/nfc"
	"zhanggui/hardware/nfc/vcard"
	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/cardterm"
	"zhanggui/sync/providersim"
	"zhanggui/sync/unionpay"
)

// The tests run the real stack but for the reader: the terminal, the real
// unionpay client, the simulator's acquirer on loopback, and a virtual card
// issued by the simulator. e2e_test.go adds the reader (pcscd and vpcd).

var _ cardterm.Acquirer = (*unionpay.Client)(nil)

var ctx = context.Background()

// simDir holds the simulator's keys, generated once for the test binary.
var simDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cardterm-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	simDir = dir
	if _, err := providersim.New(providersim.Config{DataDir: dir}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir) // a temp dir; nothing to do if it stays
	os.Exit(code)
}

var (
	tokenKey = []byte("test-token-key-0123456789")
	sealKey  = bytes.Repeat([]byte{0x5A}, 32)
)

// env is the simulator on loopback and the acquirer client made from its
// credentials.
type env struct {
	sim *providersim.Sim
	acq *unionpay.Client
}

func newEnv(t testing.TB) *env {
	t.Helper()
	sim, err := providersim.New(providersim.Config{DataDir: simDir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	a := sim.Credentials().Acquirer
	acq, err := unionpay.New(unionpay.Config{BaseURL: srv.URL + "/acquirer", MerchantID: a.MerchantID,
		HMACKeyHex: a.HMACKey, StoreID: "S001", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &env{sim: sim, acq: acq}
}

// terminal makes a terminal on reader with floor limit floor.
func (e *env) terminal(t testing.TB, reader cardterm.Reader, floor money.Fen, log *slog.Logger) *cardterm.PCSCTerminal {
	t.Helper()
	term, err := cardterm.New(cardterm.Config{Reader: reader, Acquirer: e.acq,
		Policy: pos.CardPolicy{FloorLimit: floor}, TokenKey: tokenKey, SealKey: sealKey, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return term
}

// net sums the simulator's money movements for outTradeNo.
func (e *env) net(outTradeNo string) (net money.Fen, payments int) {
	for _, c := range e.sim.Charges() {
		if c.OutTradeNo != outTradeNo {
			continue
		}
		if c.Kind == providersim.ChargePayment {
			net += c.Amount
			payments++
		} else {
			net -= c.Amount
		}
	}
	return net, payments
}

var seq atomic.Int64

// newNo makes a fresh out_trade_no.
func newNo() string { return fmt.Sprintf("CT%d%d", time.Now().UnixNano()%1e9, seq.Add(1)) }

// card is a QuickPass debit card the simulator issued, as a virtual card.
type card struct {
	info    providersim.CardInfo
	profile *vcard.EMVCard
	handle  vcard.Handler
}

// newCard issues a card to user and makes its chip: the card approves
// amounts under floorFen offline (TC), else asks to go online (ARQC).
func (e *env) newCard(user string, floorFen int64) *card {
	info := e.sim.NewCard(user)
	p := vcard.UnionPayDebit(floorFen)
	p.PAN, p.Expiry = info.PAN, lastDay(info.Expiry)
	p.PSN, _ = strconv.Atoi(info.PANSeq)
	c := &card{info: info, profile: p}
	c.handle = func(apdu []byte) []byte {
		rsp := p.Handle(apdu)
		if isGPO(apdu) && bytes.HasSuffix(rsp, []byte{0x90, 0x00}) {
			c.reissue(rsp)
		}
		return rsp
	}
	return c
}

// lastDay turns a YYMM expiry into the YYMMDD of its last day.
func lastDay(yymm string) string {
	m, err := time.Parse("0601", yymm)
	if err != nil {
		panic(err)
	}
	return m.AddDate(0, 1, -1).Format("060102")
}

func isGPO(apdu []byte) bool { return len(apdu) > 2 && apdu[0] == 0x80 && apdu[1] == 0xA8 }

// reissue replaces the cryptogram vcard computed in a GPO answer with the
// one the simulated issuer verifies (CardInfo.Cryptogram), over the data
// the card was given. vcard has its own scheme on purpose (it imports
// nothing of ours); the simulator is the issuer here.
func (c *card) reissue(rsp []byte) {
	tlvs, err := nfc.Parse(rsp[:len(rsp)-2])
	if err != nil {
		panic(fmt.Sprintf("vcard's GPO answer %X: %v", rsp, err))
	}
	crypt, cid := nfc.Find(tlvs, nfc.TagCryptogram), nfc.Find(tlvs, nfc.TagCID)
	if crypt == nil || cid == nil {
		return // a format 1 answer: no cryptogram to replace
	}
	kind := providersim.ARQC
	if cid.Value[0]&0xC0 == 0x40 {
		kind = providersim.TC
	}
	gpo := c.profile.LastGPO
	amount, _ := strconv.ParseInt(fmt.Sprintf("%X", gpo["9F02"]), 10, 64)
	in := providersim.CryptogramInput{Amount: money.Fen(amount), Date: fmt.Sprintf("%X", gpo["9A"]),
		UN: fmt.Sprintf("%X", gpo["9F37"]), ATC: fmt.Sprintf("%04X", c.profile.ATC)}
	b, _ := hex.DecodeString(c.info.Cryptogram(kind, in))
	copy(rsp[bytes.Index(rsp, crypt.Value):], b)
}

// declining is h with the card declining every transaction offline (AAC).
func declining(h vcard.Handler) vcard.Handler {
	return func(apdu []byte) []byte {
		rsp := h(apdu)
		if i := bytes.Index(rsp, []byte{0x9F, 0x27, 0x01}); isGPO(apdu) && i >= 0 {
			rsp[i+3] = 0x00
		}
		return rsp
	}
}

// token is what the terminal should compute for pan.
func token(pan string) string {
	m := hmac.New(sha256.New, tokenKey)
	m.Write([]byte(pan))
	return hex.EncodeToString(m.Sum(nil))
}

// memReader presents cards in memory, one per WaitCard, through the same
// nfc.Transceiver a PC/SC connection is. With no card it waits for ctx.
type memReader struct {
	cards   chan vcard.Handler
	onWait  func() // called when a wait starts
	onClose func() // called when the terminal lets go of the card
}

func newMemReader() *memReader { return &memReader{cards: make(chan vcard.Handler, 1)} }

// present puts h on the reader for the next WaitCard.
func (r *memReader) present(h vcard.Handler) *memReader { r.cards <- h; return r }

func (r *memReader) WaitCard(ctx context.Context) (cardterm.CardConn, error) {
	if r.onWait != nil {
		r.onWait()
	}
	select {
	case h := <-r.cards:
		return memConn{h: h, onClose: r.onClose}, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("memreader: %w (%w)", nfc.ErrNoCard, ctx.Err())
	}
}

// memConn is a tapped in-memory card; a pulled card reports
// nfc.ErrCardRemoved, as pcsc.Conn does.
type memConn struct {
	h       vcard.Handler
	onClose func()
}

func (c memConn) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	rsp, err := c.h.Transmit(ctx, apdu)
	if errors.Is(err, vcard.ErrPulled) {
		return nil, fmt.Errorf("memconn: %w", nfc.ErrCardRemoved)
	}
	return rsp, err
}

func (c memConn) Close() error {
	if c.onClose != nil {
		c.onClose()
	}
	return nil
}

// wantResult checks a charge's outcome: approved or not, offline or not,
// and the reason.
func wantResult(t *testing.T, res pos.CardResult, err error, approved, offline bool, reason string) {
	t.Helper()
	if err != nil {
		t.Fatalf("Charge: %v (result %+v)", err, res)
	}
	if res.Approved != approved || res.Offline != offline || res.Reason != reason {
		t.Fatalf("Charge = %+v; want approved %v, offline %v, reason %q", res, approved, offline, reason)
	}
}

// moneyFen is an amount in fen written as a plain number in a table.
func moneyFen(f int64) money.Fen { return money.Fen(f) }
