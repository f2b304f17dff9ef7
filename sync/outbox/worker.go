package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"zhanggui/pos"
)

// Store is what the worker needs from storage.DB.
type Store interface {
	// Due returns up to max jobs due at now, oldest first, at most one per
	// key: the first unfinished job of the key.
	Due(ctx context.Context, now time.Time, max int) ([]pos.Job, error)
	// NextDue returns when the next job Due could hand out falls due; ok
	// is false when there is none.
	NextDue(ctx context.Context) (at time.Time, ok bool, err error)
	Done(ctx context.Context, id string) error
	// Retry counts a failed try and makes the job due again at at.
	Retry(ctx context.Context, id string, at time.Time, cause string) error
	// Postpone makes the job due again at at without counting a try.
	Postpone(ctx context.Context, id string, at time.Time, cause string) error
	Park(ctx context.Context, id string, cause string) error // for a person to look at
	// Expedite makes every queued job due at now.
	Expedite(ctx context.Context, now time.Time) (int, error)
}

// A Handler does one kind of job, idempotently: a job sent twice (the till
// died after sending) has the effect of sending it once. Its error decides
// what happens next: nil, done; ErrOffline, postponed; pos.CodeUnavailable,
// retried later; anything else, parked.
type Handler interface {
	Handle(ctx context.Context, j pos.Job) error
}

// HandlerFunc is a function as a Handler.
type HandlerFunc func(ctx context.Context, j pos.Job) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, j pos.Job) error { return f(ctx, j) }

// ErrOffline is what a handler returns, without trying, when the link to its
// provider is known to be down: the job waits for the link without
// counting a try (the link monitor wakes the worker when it returns).
var ErrOffline = pos.Errorf(pos.CodeUnavailable, "outbox: the provider is offline")

// Defaults of the Worker's bounds.
const (
	DefaultBatchMax   = 64
	DefaultParallel   = 4
	DefaultBackoffMin = time.Second
	DefaultBackoffMax = 5 * time.Minute
	// DefaultTriesMax gives up after about three and a half hours of
	// failures with the link up (time offline does not count).
	DefaultTriesMax = 50
	// errorPause is the wait after the store itself failed (a busy or
	// full disk): long enough not to spin, short enough not to matter.
	errorPause = time.Second
)

// Worker drains the outbox. Run waits for work and calls RunOnce; tests call
// RunOnce directly, so no test sleeps. The zero values of the bounds take
// the defaults. Set the fields before the first call; they must not change
// afterwards.
type Worker struct {
	Store    Store
	Handlers map[pos.JobKind]Handler // wired in app from the provider clients
	Now      func() time.Time        // nil: time.Now
	Rand     *rand.Rand              // jitter (math/rand/v2); nil: a random seed. Tests seed it
	Log      *slog.Logger            // nil: nothing is logged

	BatchMax   int           // jobs per pass
	Parallel   int           // jobs handled at once (of distinct keys)
	BackoffMin time.Duration // the wait after a first failure
	BackoffMax time.Duration // the longest wait between tries; also how long an offline job waits unwoken
	TriesMax   int           // failed tries before a job is parked

	once     sync.Once
	wake     chan struct{}
	randMu   sync.Mutex
	lastDone atomic.Int64 // Unix nanoseconds of the last job done
}

func (w *Worker) init() {
	w.once.Do(func() {
		w.wake = make(chan struct{}, 1)
		if w.Rand == nil {
			w.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
		}
	})
}

// Wake makes a sleeping Run look for due jobs now: call it after a commit
// that enqueued one. It never blocks.
func (w *Worker) Wake() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// SyncNow makes every queued job due now and wakes Run: the 立即同步 button,
// and the link monitor when a provider comes back.
func (w *Worker) SyncNow(ctx context.Context) error {
	if _, err := w.Store.Expedite(ctx, w.now()); err != nil {
		return fmt.Errorf("outbox: sync now: %w", err)
	}
	w.Wake()
	return nil
}

// LastDone returns when a job was last done (zero if never, since start):
// the status bar's last successful sync.
func (w *Worker) LastDone() time.Time {
	if ns := w.lastDone.Load(); ns != 0 {
		return time.Unix(0, ns).UTC()
	}
	return time.Time{}
}

// RunOnce handles up to BatchMax due jobs, Parallel at a time, and reports
// how many it handled. A failed job is an outcome, not an error: RunOnce
// returns an error only when the store fails.
func (w *Worker) RunOnce(ctx context.Context) (handled int, err error) {
	w.init()
	jobs, err := w.Store.Due(ctx, w.now(), w.batchMax())
	if err != nil {
		return 0, fmt.Errorf("outbox: list due jobs: %w", err)
	}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, w.parallel())
	)
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			err := w.do(ctx, j)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("outbox: job %s: %w", j.ID, err))
			} else {
				handled++
			}
		})
	}
	wg.Wait()
	return handled, errors.Join(errs...)
}

// do runs one job and records the outcome. It returns an error only when it
// cannot record the outcome, or when ctx ended (the job then stays as it
// was and runs again).
func (w *Worker) do(ctx context.Context, j pos.Job) error {
	h, ok := w.Handlers[j.Kind]
	if !ok {
		return w.Store.Park(ctx, j.ID, "no handler for job kind "+string(j.Kind))
	}
	err := w.handle(ctx, h, j)
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: not the job's fault
	}
	now := w.now()
	switch {
	case err == nil:
		w.lastDone.Store(now.UnixNano())
		return w.Store.Done(ctx, j.ID)
	case errors.Is(err, ErrOffline):
		return w.Store.Postpone(ctx, j.ID, now.Add(w.backoffMax()), err.Error())
	case pos.ErrorCode(err) == pos.CodeUnavailable && j.Tries+1 < w.triesMax():
		w.log().Info("outbox job failed; will retry", "job", j.ID, "kind", j.Kind, "tries", j.Tries+1, "err", err)
		return w.Store.Retry(ctx, j.ID, now.Add(w.backoff(j.Tries+1)), err.Error())
	case pos.ErrorCode(err) == pos.CodeUnavailable:
		w.log().Warn("outbox job parked after too many tries", "job", j.ID, "kind", j.Kind, "err", err)
		return w.Store.Park(ctx, j.ID, fmt.Sprintf("gave up after %d tries: %v", j.Tries+1, err))
	default: // refused, conflicting or a bug: trying again cannot help
		w.log().Warn("outbox job parked", "job", j.ID, "kind", j.Kind, "err", err)
		return w.Store.Park(ctx, j.ID, err.Error())
	}
}

// handle calls h, turning a panic into an error: a bug in one job must not
// stop the till from draining the others, nor crash it at every start.
func (w *Worker) handle(ctx context.Context, h Handler, j pos.Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			w.log().Error("outbox handler panicked", "job", j.ID, "panic", r, "stack", string(debug.Stack()))
			err = pos.Errorf(pos.CodeInternal, "outbox: handler of %s panicked: %v", j.Kind, r)
		}
	}()
	return h.Handle(ctx, j)
}

// backoff returns the wait before try n+1 (n ≥ 1): BackoffMin doubled for
// each earlier failure up to BackoffMax, less up to a quarter at random, so
// tills back online together do not call in step.
func (w *Worker) backoff(n int) time.Duration {
	d, limit := w.backoffMin(), w.backoffMax()
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	w.randMu.Lock()
	jitter := time.Duration(w.Rand.Int64N(int64(d)/4 + 1))
	w.randMu.Unlock()
	return d - jitter
}

// Run drains the outbox until ctx ends: a pass, then a sleep until the
// next job falls due, Wake is called or ctx ends. It never polls. It
// returns nil when ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	w.init()
	for {
		n, err := w.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := time.Duration(0)
		switch {
		case err != nil:
			w.log().Error("outbox pass failed", "err", err)
			wait = errorPause
		case n == w.batchMax():
			continue // there may be more due now
		default:
			if wait, err = w.untilNext(ctx); err != nil {
				w.log().Error("outbox: next due job", "err", err)
				wait = errorPause
			}
			if wait == 0 && n == 0 {
				wait = w.backoffMin() // due by NextDue yet not by Due: a clock step; do not spin
			}
		}
		if !w.sleep(ctx, wait) {
			return nil
		}
	}
}

// untilNext returns how long until the next job falls due: 0 if one is due
// now, -1 if none is queued.
func (w *Worker) untilNext(ctx context.Context) (time.Duration, error) {
	at, ok, err := w.Store.NextDue(ctx)
	if err != nil || !ok {
		return -1, err
	}
	return max(at.Sub(w.now()), 0), nil
}

// sleep waits d (forever if d < 0), until Wake, or until ctx ends; it
// reports whether Run should go on.
func (w *Worker) sleep(ctx context.Context, d time.Duration) bool {
	var timer <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-w.wake:
	case <-timer:
	}
	return true
}

func (w *Worker) now() time.Time {
	if w.Now == nil {
		return time.Now()
	}
	return w.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Log
}

func (w *Worker) batchMax() int             { return orDefault(w.BatchMax, DefaultBatchMax) }
func (w *Worker) parallel() int             { return orDefault(w.Parallel, DefaultParallel) }
func (w *Worker) triesMax() int             { return orDefault(w.TriesMax, DefaultTriesMax) }
func (w *Worker) backoffMin() time.Duration { return orDefault(w.BackoffMin, DefaultBackoffMin) }
func (w *Worker) backoffMax() time.Duration {
	return max(orDefault(w.BackoffMax, DefaultBackoffMax), w.backoffMin())
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
