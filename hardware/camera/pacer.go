package camera

import (
	"context"
	"time"
)

// pacer spaces frames at a fixed rate by sleeping on a timer, never by
// spinning. The first frame is due at once.
type pacer struct {
	period time.Duration // 0: no pacing
	next   time.Time
}

func newPacer(fps float64) pacer {
	if fps <= 0 {
		return pacer{}
	}
	return pacer{period: time.Duration(float64(time.Second) / fps)}
}

// wait blocks until the next frame is due or ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil || p.period == 0 {
		return err
	}
	now := time.Now()
	if p.next.IsZero() {
		p.next = now
	}
	if d := p.next.Sub(now); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	p.next = p.next.Add(p.period)
	if late := time.Now().Add(-p.period); p.next.Before(late) {
		p.next = time.Now() // the consumer stalled: resume the rate, do not burst to catch up
	}
	return nil
}
