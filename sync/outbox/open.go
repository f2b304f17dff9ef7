package outbox

import (
	"context"
	"fmt"
	"time"

	"zhanggui/pos"
)

// OpenWorkStore is what OpenWork reads: the open payments and pending
// refunds (storage.DB is one).
type OpenWorkStore interface {
	OpenPayments(ctx context.Context) ([]pos.Payment, error)
	PendingRefunds(ctx context.Context) ([]pos.Refund, error)
	Payment(ctx context.Context, id string) (pos.Payment, error)
}

// OpenWork is the job of every open payment and pending refund, due at
// now: enqueued at start, it is a no-op for those that have their job
// already and the start-up sweep for the others (rows from before the
// outbox, or a job lost). A card payment gets the card service's resolve
// job; a refunding payment (a late success being refunded) its payment
// job, which resumes that refund.
func OpenWork(ctx context.Context, s OpenWorkStore, now time.Time) ([]pos.Job, error) {
	open, err := s.OpenPayments(ctx)
	if err != nil {
		return nil, fmt.Errorf("outbox: open payments: %w", err)
	}
	var jobs []pos.Job
	for _, p := range open {
		if p.Provider == pos.Card {
			jobs = append(jobs, CardResolveJob(p, now))
		} else {
			jobs = append(jobs, PaymentJob(p, now))
		}
	}
	pending, err := s.PendingRefunds(ctx)
	if err != nil {
		return nil, fmt.Errorf("outbox: pending refunds: %w", err)
	}
	for _, r := range pending {
		p, err := s.Payment(ctx, r.PaymentID)
		if err != nil {
			return nil, fmt.Errorf("outbox: refund %s: %w", r.ID, err)
		}
		jobs = append(jobs, RefundJob(r, p.Provider, now))
	}
	return jobs, nil
}
