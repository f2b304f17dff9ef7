package outbox_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/sync/outbox"
)

// answered is a card capture store whose every capture was answered
// already: a well-formed job is done, a malformed one refused.
type answered struct{}

func (answered) PendingCardCapture(context.Context, string) (pos.CardCapture, bool, error) {
	return pos.CardCapture{}, false, nil
}
func (answered) CardCaptured(context.Context, string, string) error { return nil }
func (answered) CardCaptureDeclined(context.Context, string, string, ledger.Entry) error {
	return nil
}

// FuzzCardJobPayload feeds the card handlers any payload: they never
// panic, and accept only a payment ID with a positive amount; anything
// else is a bug for a person (CodeInternal: parked), never retried.
func FuzzCardJobPayload(f *testing.F) {
	at := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	f.Add(outbox.CardCaptureJob(pos.CardCapture{OutTradeNo: "p1", Amount: 880}, "s1", at).Payload)
	f.Add(outbox.CardResolveJob(pos.Payment{ID: "p1", SaleID: "s1", Amount: 880}, at).Payload)
	for _, seed := range []string{``, `{}`, `null`, `{"payment_id":"p1","amount_fen":0}`,
		`{"payment_id":"","amount_fen":5}`, `{"payment_id":"p1","amount_fen":"5"}`} {
		f.Add([]byte(seed))
	}
	h := outbox.CardCaptureHandler{Store: answered{}, NewID: func() string { return "e1" }}
	f.Fuzz(func(t *testing.T, payload []byte) {
		job := pos.NewJob("card.capture:x", pos.JobUploadCardCapture, "x", payload, at)
		err := h.Handle(context.Background(), job)
		var req struct {
			PaymentID string `json:"payment_id"`
			Amount    int64  `json:"amount_fen"`
		}
		valid := json.Unmarshal(payload, &req) == nil && req.PaymentID != "" && req.Amount > 0
		if valid != (err == nil) {
			t.Fatalf("Handle(%q) = %v; payload valid %v", payload, err, valid)
		}
		if err != nil && pos.ErrorCode(err) != pos.CodeInternal {
			t.Fatalf("Handle(%q) = %v (code %s), want CodeInternal", payload, err, pos.ErrorCode(err))
		}
	})
}
