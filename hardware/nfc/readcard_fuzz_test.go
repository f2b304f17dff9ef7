package nfc

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"zhanggui/hardware/nfc/vcard"
)

// errNoMoreAnswers ends a replay.
var errNoMoreAnswers = errors.New("replay: no more answers")

// replay is a card that gives canned answers in order, whatever is asked.
type replay struct{ answers [][]byte }

func (r *replay) Transmit(context.Context, []byte) ([]byte, error) {
	if len(r.answers) == 0 {
		return nil, errNoMoreAnswers
	}
	a := r.answers[0]
	r.answers = r.answers[1:]
	return a, nil
}

// recorder passes APDUs to a card and keeps its answers framed as frames
// reads them back.
type recorder struct {
	t   Transceiver
	out []byte
}

func (r *recorder) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	a, err := r.t.Transmit(ctx, apdu)
	if err == nil {
		r.out = binary.BigEndian.AppendUint16(r.out, uint16(len(a)))
		r.out = append(r.out, a...)
	}
	return a, err
}

// frames splits b into answers, each a 2-byte length and its bytes; a last
// frame cut short keeps what there is.
func frames(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 2 {
		n := min(int(binary.BigEndian.Uint16(b)), len(b)-2)
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out
}

// recordSession records the answers of one read of h.
func recordSession(h vcard.Handler) []byte {
	r := &recorder{t: h}
	_, _ = ReadCard(context.Background(), r, Transaction{Amount: 100, Rand: bytes.NewReader(make([]byte, 4))}) // only the answers matter
	return r.out
}

// FuzzReadCard feeds ReadCard arbitrary card answers: it must never panic,
// never loop past its limits, and never print a PAN it accepted.
func FuzzReadCard(f *testing.F) {
	for _, h := range []vcard.Handler{
		vcard.UnionPayDebit(0).Handle, vcard.UnionPayDebit(1000).Handle, vcard.Visa().Handle,
		vcard.Malformed(), vcard.Member(vcard.MemberUID),
	} {
		f.Add(recordSession(h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := &replay{answers: frames(b)}
		card, err := ReadCard(context.Background(), r, Transaction{Rand: bytes.NewReader(make([]byte, 4))})
		if err != nil {
			if card != nil {
				t.Fatalf("ReadCard() returned a card and error %v", err)
			}
			return
		}
		pan := string(card.secret.pan)
		if len(pan) < 12 || len(pan) > 19 || !digits(card.secret.pan) {
			t.Fatalf("ReadCard() accepted PAN %q", pan)
		}
		for _, s := range []string{card.String(), fmt.Sprintf("%+v", card), fmt.Sprintf("%#v", *card), card.Masked()} {
			if strings.Contains(s, pan) {
				t.Fatalf("the card prints its PAN: %s", s)
			}
		}
	})
}
