package pcsc_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"zhanggui/hardware/nfc"
	"zhanggui/hardware/nfc/vcard"
)

// zeros is an endless source of zero bytes, for the unpredictable number.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// replay answers with the recorded answers of one read, in order, as fresh
// copies (ReadCard zeroes answers that held card data).
type replay struct {
	answers [][]byte
	next    int
}

func (r *replay) Transmit(context.Context, []byte) ([]byte, error) {
	a := bytes.Clone(r.answers[r.next%len(r.answers)])
	r.next++
	return a, nil
}

// recorder keeps the answers a card gives.
type recorder struct {
	t       nfc.Transceiver
	answers [][]byte
}

func (r *recorder) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	a, err := r.t.Transmit(ctx, apdu)
	r.answers = append(r.answers, bytes.Clone(a))
	return a, err
}

// benchTxn is the sale every benchmark read uses.
var benchTxn = nfc.Transaction{Amount: 12345, At: time.Date(2026, 3, 7, 9, 45, 30, 0, time.Local), Rand: zeros{}}

// BenchmarkReadCardInMemory is our own cost of a QuickPass read, PPSE to the
// last record: the card's answers are replayed, so only package nfc works.
func BenchmarkReadCardInMemory(b *testing.B) {
	rec := &recorder{t: vcard.Handler(vcard.UnionPayDebit(0).Handle)}
	if _, err := nfc.ReadCard(context.Background(), rec, benchTxn); err != nil {
		b.Fatal(err)
	}
	r := &replay{answers: rec.answers}
	b.ReportAllocs()
	for b.Loop() {
		card, err := nfc.ReadCard(context.Background(), r, benchTxn)
		if err != nil {
			b.Fatal(err)
		}
		card.Wipe()
	}
	b.ReportMetric(float64(len(rec.answers)), "apdus/op")
}

// BenchmarkReadCardVirtual is the same read through pcscd, vpcd and the
// virtual card: almost all of it is the reader's APDU time.
func BenchmarkReadCardVirtual(b *testing.B) {
	r := newRig(b)
	vc, conn := r.connect(b, vcard.ATRContactless, vcard.UnionPayDebit(0).Handle)
	before := vc.APDUs()
	for b.Loop() {
		card, err := nfc.ReadCard(context.Background(), conn, benchTxn)
		if err != nil {
			b.Fatal(err)
		}
		card.Wipe()
	}
	apdus := float64(vc.APDUs()-before) / float64(b.N)
	b.ReportMetric(apdus, "apdus/op")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/apdus, "ms/apdu")
}
