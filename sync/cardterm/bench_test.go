package cardterm_test

import (
	"context"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/cardterm"
)

// The benchmarks split a charge's time three ways: the card's (inside
// Transmit: for vpcd, the reader's APDU time), the acquirer's (the
// authorization over loopback HTTP to the simulator, signing and checking
// included), and the terminal's own, the rest: PC/SC connect and wait, the
// EMV parsing, masking, tokenizing, the decision, sealing.

// timing sums where a charge's time goes.
type timing struct {
	card, acquirer time.Duration
	apdus          int
}

// timedReader times the card's answers.
type timedReader struct {
	r cardterm.Reader
	t *timing
}

func (r timedReader) WaitCard(ctx context.Context) (cardterm.CardConn, error) {
	c, err := r.r.WaitCard(ctx)
	if err != nil {
		return nil, err
	}
	return timedConn{c, r.t}, nil
}

type timedConn struct {
	cardterm.CardConn
	t *timing
}

func (c timedConn) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	start := time.Now()
	rsp, err := c.CardConn.Transmit(ctx, apdu)
	c.t.card += time.Since(start)
	c.t.apdus++
	return rsp, err
}

// timedAcquirer times the acquirer's answers.
type timedAcquirer struct {
	a cardterm.Acquirer
	t *timing
}

func (a timedAcquirer) CardAuthorize(ctx context.Context, r pos.CardAuthRequest) (pos.CardAuthResult, error) {
	start := time.Now()
	defer func() { a.t.acquirer += time.Since(start) }()
	return a.a.CardAuthorize(ctx, r)
}

func (a timedAcquirer) CardCapture(ctx context.Context, r pos.CardAuthRequest) (pos.CardAuthResult, error) {
	return a.a.CardCapture(ctx, r)
}

// benchCase is one kind of charge: online (ARQC) or offline (TC, sealed).
var benchCases = []struct {
	name    string
	floor   money.Fen // the card's and the terminal's floor limit
	amount  money.Fen
	offline bool
}{
	{"online", 0, 12345, false},
	{"offline", 100000, 880, true},
}

// benchCharge runs b.N charges on reader (present is called before each)
// and reports the split.
func benchCharge(b *testing.B, e *env, reader cardterm.Reader, present func(), floor, amount money.Fen, offline bool) {
	tm := &timing{}
	term, err := cardterm.New(cardterm.Config{Reader: timedReader{reader, tm},
		Acquirer: timedAcquirer{e.acq, tm}, Policy: pos.CardPolicy{FloorLimit: floor},
		TokenKey: tokenKey, SealKey: sealKey})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		present()
		res, err := term.Charge(ctx, amount, newNo())
		if err != nil || !res.Approved || res.Offline != offline {
			b.Fatalf("Charge = %+v, %v", res, err)
		}
	}
	n := float64(b.N)
	total := b.Elapsed()
	own := total - tm.card - tm.acquirer
	b.ReportMetric(float64(tm.apdus)/n, "apdus/op")
	b.ReportMetric(ms(tm.card)/n, "card-ms/op")
	b.ReportMetric(ms(tm.acquirer)/n, "acquirer-ms/op")
	b.ReportMetric(ms(own)/n, "terminal-ms/op")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkCardChargeVirtual is a whole charge through pcscd, vpcd and the
// virtual card, then the unionpay client and the simulator on loopback.
// card-ms is the reader's APDU time; terminal-ms is what we add to it.
func BenchmarkCardChargeVirtual(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			r, e := newRig(b), newEnv(b)
			c := e.newCard("bench", int64(bc.floor))
			e.sim.SetBalance("bench", money.MaxFen)
			r.insert(b, c.handle)
			benchCharge(b, e, r.reader(), func() {}, bc.floor, bc.amount, bc.offline)
		})
	}
}

// BenchmarkCardChargeInMemory is the same charge with the card answering
// in memory: no reader time, so terminal-ms is our whole overhead.
func BenchmarkCardChargeInMemory(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			e := newEnv(b)
			c := e.newCard("bench", int64(bc.floor))
			e.sim.SetBalance("bench", money.MaxFen)
			r := newMemReader()
			benchCharge(b, e, r, func() { r.present(c.handle) }, bc.floor, bc.amount, bc.offline)
		})
	}
}
