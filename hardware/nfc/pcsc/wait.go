package pcsc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ebfe/scard"

	"zhanggui/hardware/nfc"
)

// pnpReader is PC/SC's pseudo-reader whose state changes when a reader is
// plugged in or out; waiting on it is how a wait notices hot-plugging.
const pnpReader = `\\?PnP?\Notification`

// cancelRetry is how often a cancelled wait repeats SCardCancel: a cancel
// that lands between two GetStatusChange calls wakes neither, so it is
// repeated until the waiter has returned. It runs only after ctx ended.
const cancelRetry = 20 * time.Millisecond

// WaitCard blocks until a card is on reader, or on any reader when reader is
// "", and returns that reader's name. A card already there counts. Readers
// plugged in meanwhile are watched too. When ctx ends it returns ctx's error;
// when its deadline passes, an error wrapping context.DeadlineExceeded and
// nfc.ErrNoCard, or nfc.ErrNoReader if no reader was ever there.
func (c *Context) WaitCard(ctx context.Context, reader string) (string, error) {
	return c.wait(ctx, waiter{
		reader:  reader,
		op:      "wait for a card",
		timeout: nfc.ErrNoCard,
		done: func(s scard.StateFlag) bool {
			return s&scard.StatePresent != 0 && s&scard.StateMute == 0
		},
	})
}

// ErrCardStayed is WaitRemoved's error when its deadline passes.
var ErrCardStayed = errors.New("pcsc: card still on the reader")

// WaitRemoved blocks until reader has no card (or is unplugged), so that one
// tap is not read twice. When its deadline passes it returns an error
// wrapping ErrCardStayed and context.DeadlineExceeded.
func (c *Context) WaitRemoved(ctx context.Context, reader string) error {
	if reader == "" {
		return errors.New("pcsc: wait for removal: no reader named")
	}
	_, err := c.wait(ctx, waiter{
		reader:     reader,
		op:         "wait for removal",
		timeout:    ErrCardStayed,
		goneIsDone: true,
		done:       func(s scard.StateFlag) bool { return s&scard.StatePresent == 0 },
	})
	return err
}

// waiter says what a wait waits for.
type waiter struct {
	reader     string                     // "" for every reader
	op         string                     // for errors
	timeout    error                      // wrapped when the deadline passes with readers seen
	goneIsDone bool                       // a reader that is not plugged in satisfies the wait
	done       func(scard.StateFlag) bool // whether a reader's state satisfies the wait
}

// wait sleeps in GetStatusChange until w.done holds for a watched reader.
func (c *Context) wait(ctx context.Context, w waiter) (string, error) {
	stop := c.cancelOnDone(ctx)
	defer stop()
	known := map[string]scard.StateFlag{} // last state seen per reader; 0 is unaware
	pnp, sawReader := scard.StateUnaware, false
	for {
		if err := ctx.Err(); err != nil {
			return "", w.error(ctx, sawReader, err)
		}
		states, err := c.watchList(w.reader, pnp, known)
		if err != nil {
			return "", err
		}
		if len(states) == 1 && w.goneIsDone {
			return w.reader, nil
		}
		sawReader = sawReader || len(states) > 1
		if err := c.sc.GetStatusChange(states, timeoutOf(ctx)); err != nil {
			return "", w.error(ctx, sawReader, err)
		}
		pnp = states[0].EventState &^ scard.StateChanged
		for _, s := range states[1:] {
			if w.done(s.EventState) {
				return s.Reader, nil
			}
			known[s.Reader] = s.EventState &^ scard.StateChanged
		}
	}
}

// watchList builds the reader states to wait on: the PnP pseudo-reader
// first, then reader (or every reader) with the state last seen.
func (c *Context) watchList(reader string, pnp scard.StateFlag,
	known map[string]scard.StateFlag) ([]scard.ReaderState, error) {
	names, err := c.Readers()
	if err != nil {
		return nil, err
	}
	states := []scard.ReaderState{{Reader: pnpReader, CurrentState: pnp}}
	for _, n := range names {
		if reader == "" || n == reader {
			states = append(states, scard.ReaderState{Reader: n, CurrentState: known[n]})
		}
	}
	return states, nil
}

// timeoutOf turns ctx's deadline into GetStatusChange's timeout; a negative
// timeout means INFINITE to scard, so a passed deadline becomes 0.
func timeoutOf(ctx context.Context) time.Duration {
	d, ok := ctx.Deadline()
	if !ok {
		return -1
	}
	return max(time.Until(d), 0)
}

// error maps how a wait ended.
func (w waiter) error(ctx context.Context, sawReader bool, err error) error {
	op := w.op
	if w.reader != "" {
		op = fmt.Sprintf("%s on %q", w.op, w.reader)
	}
	timedOut := errors.Is(err, scard.ErrTimeout) || errors.Is(ctx.Err(), context.DeadlineExceeded)
	switch {
	case timedOut && !sawReader:
		return fmt.Errorf("pcsc: %s: %w (%w)", op, nfc.ErrNoReader, context.DeadlineExceeded)
	case timedOut:
		return fmt.Errorf("pcsc: %s: %w (%w)", op, w.timeout, context.DeadlineExceeded)
	case ctx.Err() != nil:
		return fmt.Errorf("pcsc: %s: %w", op, ctx.Err())
	default:
		return wrap(op, err)
	}
}

// cancelOnDone cancels the context's blocking PC/SC calls once ctx ends,
// until the returned stop is called.
func (c *Context) cancelOnDone(ctx context.Context) (stop func()) {
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-quit:
			return
		case <-ctx.Done():
		}
		tick := time.NewTicker(cancelRetry)
		defer tick.Stop()
		for {
			_ = c.sc.Cancel() // fails harmlessly when nothing is waiting
			select {
			case <-quit:
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
	}
}
