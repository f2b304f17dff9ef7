package cardpay_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // reads the stored rows back as they are

	"zhanggui/hardware/nfc"
	"zhanggui/hardware/nfc/vcard"
	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/cardpay"
	"zhanggui/sync/cardterm"
	"zhanggui/sync/outbox"
	"zhanggui/sync/providersim"
	"zhanggui/sync/unionpay"
)

// The tests run the real stack but for the card reader: the card payment
// service, a real SQLite file, the real PCSCTerminal and unionpay client,
// the simulator's acquirer on loopback, the real outbox worker and its
// card handlers; the card is a virtual card the simulator issued, tapped
// on a scripted in-memory reader behind cardterm's Reader interface.
// pcscd_test.go taps it through pcscd instead.

var ctx = context.Background()

var simDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cardpay-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	simDir = dir
	if _, err := providersim.New(providersim.Config{DataDir: dir}); err != nil { // keys, once
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir) // a temp dir; nothing to do if it stays
	os.Exit(code)
}

var (
	_        cardpay.Store           = (*storage.DB)(nil)
	_        cardpay.Acquirer        = (*unionpay.Client)(nil)
	_        cardpay.Terminal        = (*cardterm.PCSCTerminal)(nil)
	_        outbox.CardCaptureStore = (*storage.DB)(nil)
	_        outbox.CardCapturer     = (*cardterm.PCSCTerminal)(nil)
	_        outbox.CardResolver     = (*cardpay.Service)(nil)
	tokenKey                         = []byte("cardpay-test-token-key")
	sealKey                          = bytes.Repeat([]byte{0x6B}, 32)
	seq      atomic.Int64
	floor    money.Fen = 100_00 // the terminal's floor and the offline limit
)

func newID() string { return fmt.Sprintf("cp%d%06d", time.Now().UnixNano()%1e9, seq.Add(1)) }

// env is one till: its database, the simulator, the terminal, the
// service and the outbox worker, with the acquirer's link under the test's
// control.
type env struct {
	db       *storage.DB
	sim      *providersim.Sim
	acq      *unionpay.Client
	reader   *memReader
	term     *cardterm.PCSCTerminal
	svc      *cardpay.Service
	worker   *outbox.Worker
	link     atomic.Value // pos.Link
	products []pos.Product
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvOn(t, newMemReader())
}

func newEnvOn(t testing.TB, reader cardterm.Reader) *env {
	t.Helper()
	e := &env{db: storagetest.NewDB(t)}
	if mr, ok := reader.(*memReader); ok {
		e.reader = mr
	}
	e.link.Store(pos.LinkOnline)
	sim, err := providersim.New(providersim.Config{DataDir: simDir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	a := sim.Credentials().Acquirer
	e.sim = sim
	e.acq, err = unionpay.New(unionpay.Config{BaseURL: srv.URL + "/acquirer", MerchantID: a.MerchantID,
		HMACKeyHex: a.HMACKey, StoreID: "S001", Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	e.term, err = cardterm.New(cardterm.Config{Reader: reader, Acquirer: e.acq,
		Policy: pos.CardPolicy{FloorLimit: floor}, TokenKey: tokenKey, SealKey: sealKey})
	if err != nil {
		t.Fatal(err)
	}
	e.wire()
	e.products = e.seed(t)
	return e
}

// wire makes the service and the worker as app does.
func (e *env) wire() {
	linkFn := func(pos.Provider) pos.Link { return e.link.Load().(pos.Link) }
	e.worker = &outbox.Worker{Store: e.db, Now: time.Now, BackoffMin: time.Millisecond, BackoffMax: time.Millisecond}
	e.svc = &cardpay.Service{Store: e.db, Terminal: e.term, Acquirer: e.acq, Link: linkFn,
		Limits: func() pos.OfflineLimits {
			l := pos.DefaultOfflineLimits()
			l.FloorFen = floor
			return l
		},
		CaptureJob: outbox.CardCaptureJob, ResolveJob: outbox.CardResolveJob, Enqueued: e.worker.Wake, JobDone: e.db.Done,
		QueryEvery: time.Millisecond, Now: time.Now, NewID: newID}
	e.worker.Handlers = map[pos.JobKind]outbox.Handler{
		pos.JobUploadCardCapture: outbox.CardCaptureHandler{Store: e.db, Terminal: e.term, Link: linkFn,
			NewID: newID, Now: time.Now},
		outbox.CardResolveKind: outbox.CardResolveHandler{Cards: e.svc, Link: linkFn},
	}
}

// seed adds products priced for the stories: within the floor limit, above
// it, and small.
func (e *env) seed(t testing.TB) []pos.Product {
	t.Helper()
	ps := storagetest.Products(3)
	for i, price := range []money.Fen{880, 250_00, 120_00} {
		ps[i].Price, ps[i].ByWeight, ps[i].Unit = price, false, "个"
	}
	if err := e.db.ImportProducts(ctx, ps); err != nil {
		t.Fatal(err)
	}
	stored, err := e.db.Products(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return stored
}

// request is a card charge of a new cart of one piece of product i.
func (e *env) request(t testing.TB, i int) cardpay.Request {
	t.Helper()
	cart := &pos.Cart{ID: newID()}
	if err := cart.Add(e.products[i], pos.OnePiece); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SaveCart(ctx, cart, false); err != nil {
		t.Fatal(err)
	}
	book := func(card pos.Tender) (*pos.Sale, error) {
		now := time.Now()
		no, err := e.db.NextSaleNo(ctx, pos.BusinessDay(now, time.Local), "01", "01")
		if err != nil {
			return nil, err
		}
		return cart.Checkout(pos.Checkout{ID: cart.ID, No: no, EntryID: newID(), At: now, Cashier: "店主",
			Tenders: []pos.Tender{card}})
	}
	return cardpay.Request{SaleID: cart.ID, Amount: cart.Totals().Total, Book: book}
}

// charge runs the service with a deadline for the tap.
func (e *env) charge(t *testing.T, r cardpay.Request) cardpay.Outcome {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := e.svc.Charge(cctx, r, nil)
	if err != nil {
		t.Fatalf("Charge: %v (outcome %+v)", err, out)
	}
	return out
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

// drain runs the worker until nothing more is handled.
func (e *env) drain(t *testing.T) {
	t.Helper()
	for range 10 {
		n, err := e.worker.RunOnce(ctx)
		if err != nil {
			t.Fatalf("RunOnce: %v", err)
		}
		if n == 0 {
			return
		}
	}
}

// capture is a card_captures row as stored.
type capture struct {
	state, masked, token, rrn, reason, lossEntry string
	blobLen                                      int
}

// raw opens the database file read-only, to see the rows as they are.
func (e *env) raw(t *testing.T) *sql.DB {
	t.Helper()
	r, err := sql.Open("sqlite3", "file:"+e.db.Path()+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() }) // a read-only handle: nothing to lose
	return r
}

func (e *env) capture(t *testing.T, paymentID string) (capture, bool) {
	t.Helper()
	var c capture
	err := e.raw(t).QueryRow(`SELECT state, masked_pan, token, rrn, reason, loss_entry, length(capture)
		FROM card_captures WHERE payment_id = ?`, paymentID).
		Scan(&c.state, &c.masked, &c.token, &c.rrn, &c.reason, &c.lossEntry, &c.blobLen)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return c, true
}

// jobs counts the outbox jobs of a kind by state.
func (e *env) jobs(t *testing.T, kind pos.JobKind) map[string]int {
	t.Helper()
	rows, err := e.raw(t).Query(`SELECT state, count(*) FROM outbox WHERE kind = ? GROUP BY state`, string(kind))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[s] = n
	}
	return out
}

// balanced checks the whole ledger: every entry balances, and returns the
// trial balance (debit positive).
func (e *env) balanced(t *testing.T) map[ledger.Account]money.Fen {
	t.Helper()
	entries, err := e.db.Entries(ctx, time.Time{}, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if err := en.Validate(); err != nil {
			t.Errorf("entry %s: %v", en.ID, err)
		}
	}
	tb, err := e.db.TrialBalance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sum money.Fen
	for _, f := range tb {
		sum += f
	}
	if sum != 0 {
		t.Errorf("trial balance sums to %v, want 0: %v", sum, tb)
	}
	return tb
}

// card is a QuickPass debit card the simulator issued, as a virtual card.
type card struct {
	info    providersim.CardInfo
	profile *vcard.EMVCard
	handle  vcard.Handler
}

// newCard issues a card to user that approves amounts under floorFen
// offline (TC), else asks to go online (ARQC).
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

func lastDay(yymm string) string {
	m, err := time.Parse("0601", yymm)
	if err != nil {
		panic(err)
	}
	return m.AddDate(0, 1, -1).Format("060102")
}

func isGPO(apdu []byte) bool { return len(apdu) > 2 && apdu[0] == 0x80 && apdu[1] == 0xA8 }

// reissue puts the cryptogram the simulated issuer verifies into a GPO
// answer (vcard computes its own; the simulator is the issuer here).
func (c *card) reissue(rsp []byte) {
	tlvs, err := nfc.Parse(rsp[:len(rsp)-2])
	if err != nil {
		panic(fmt.Sprintf("vcard's GPO answer %X: %v", rsp, err))
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
	amount, _ := strconv.ParseInt(fmt.Sprintf("%X", gpo["9F02"]), 10, 64)
	in := providersim.CryptogramInput{Amount: money.Fen(amount), Date: fmt.Sprintf("%X", gpo["9A"]),
		UN: fmt.Sprintf("%X", gpo["9F37"]), ATC: fmt.Sprintf("%04X", c.profile.ATC)}
	b, _ := hex.DecodeString(c.info.Cryptogram(kind, in))
	copy(rsp[bytes.Index(rsp, crypt.Value):], b)
}

// memReader presents cards in memory, one per WaitCard; with none it waits
// for ctx, as a reader with no card on it.
type memReader struct{ cards chan vcard.Handler }

func newMemReader() *memReader { return &memReader{cards: make(chan vcard.Handler, 4)} }

// present puts h on the reader for the next WaitCard.
func (r *memReader) present(h vcard.Handler) { r.cards <- h }

func (r *memReader) WaitCard(ctx context.Context) (cardterm.CardConn, error) {
	select {
	case h := <-r.cards:
		return memConn{h: h}, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("memreader: %w (%w)", nfc.ErrNoCard, ctx.Err())
	}
}

type memConn struct{ h vcard.Handler }

func (c memConn) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	rsp, err := c.h.Transmit(ctx, apdu)
	if errors.Is(err, vcard.ErrPulled) {
		return nil, fmt.Errorf("memconn: %w", nfc.ErrCardRemoved)
	}
	return rsp, err
}

func (memConn) Close() error { return nil }
