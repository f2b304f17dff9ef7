package soak

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

// drainFor bounds the final settling: with the link up and no faults, a
// till that cannot settle everything in this long has lost something.
const drainFor = 60 * time.Second

// Run is the till process: it recovers what the last one left, then sells
// until it is killed; in Drain mode it settles everything instead, and
// returns.
func Run(ctx context.Context, cfg Config) (err error) {
	t, err := NewTill(cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, t.Close()) }()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if cfg.Drain {
		// Every dynamic QR the till ever showed is past its expiry: one
		// nobody scanned can be closed for good.
		t.Clock.Jump(time.Hour)
	}
	if err := t.Recover(ctx); err != nil {
		return err
	}
	if cfg.Drain {
		go t.Link.Run(ctx)
		if err := t.drain(ctx); err != nil {
			return err
		}
		return t.closeForGood(ctx)
	}
	if err := t.ensureShift(ctx, rand.New(rand.NewPCG(cfg.Seed, 9))); err != nil {
		return err
	}
	t.Start(ctx)
	go t.JumpClock(ctx, cfg.Seed)
	go func() {
		if err := t.RunShifts(ctx, cfg.Seed); err != nil {
			fmt.Fprintln(os.Stderr, "soak: shifts:", err) // the parent fails: the till ended by itself
			os.Exit(3)
		}
	}()
	return t.Sell(ctx)
}

// drain settles everything: jobs done, payments final, refunds answered,
// carts completed or let go. The worker is driven here, not started: two
// passes at once would hand out the same job twice.
func (t *Till) drain(ctx context.Context) error {
	start := time.Now()
	deadline := start.Add(drainFor)
	for round := 1; ; round++ {
		left, err := t.settleAll(ctx)
		if err != nil {
			return err
		}
		if left == "" {
			fmt.Fprintf(os.Stderr, "soak: settled in %d rounds, %v\n", round, time.Since(start).Round(time.Millisecond))
			return nil
		}
		if round%20 == 1 {
			fmt.Fprintf(os.Stderr, "soak: %v: %s\n", time.Since(start).Round(time.Millisecond), left)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("soak: not settled after %v: %s", drainFor, left)
		}
		time.Sleep(50 * time.Millisecond) // the provider answers on its own time
	}
}

// settleAll makes one round of settling and says what is left, "" if
// nothing is. Parked jobs wait for a person: the audit lists them.
func (t *Till) settleAll(ctx context.Context) (string, error) {
	if err := t.Worker.SyncNow(ctx); err != nil {
		return "", err
	}
	for {
		n, err := t.Worker.RunOnce(ctx)
		if err != nil {
			return "", err
		}
		if n == 0 {
			break
		}
	}
	if err := t.Recover(ctx); err != nil {
		return "", err
	}
	queued, _, parked, err := t.DB.OutboxStats(ctx)
	if err != nil {
		return "", err
	}
	open, err := t.DB.OpenPayments(ctx)
	if err != nil {
		return "", err
	}
	pending, err := t.DB.PendingRefunds(ctx)
	if err != nil {
		return "", err
	}
	held, err := t.DB.HeldCarts(ctx)
	if err != nil {
		return "", err
	}
	cur, err := t.DB.CurrentCart(ctx)
	if err != nil {
		return "", err
	}
	if queued+len(open)+len(pending)+len(held) == 0 && cur == nil {
		return "", nil
	}
	return fmt.Sprintf("%d jobs queued, %d parked, %d payments open %v, %d refunds pending, %d carts held, current cart %v",
		queued, parked, len(open), states(open), len(pending), len(held), cur != nil), nil
}
