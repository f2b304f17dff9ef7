package printer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// QueueOptions tune a Queue; the zero value of a field picks its default.
type QueueOptions struct {
	BufferMax  int           // jobs waiting to print, the one printing aside; default 16
	RetryMax   int           // tries after the first; default 3, negative for none
	Backoff    time.Duration // wait before the first retry, doubled for each next; default 1 s
	BackoffMax time.Duration // longest wait between tries; default 8 s
	Timeout    time.Duration // bound of one try, status query included; default 15 s
	// OnResult receives the outcome of every job submitted, exactly once,
	// in the order of the outcomes, on a goroutine of the queue's own: nil
	// when printed, else an error for ChineseMessage. It must not call Close.
	OnResult func(id int, err error)
}

func (o QueueOptions) withDefaults() QueueOptions {
	o.BufferMax = cmp.Or(o.BufferMax, 16)
	o.RetryMax = max(0, cmp.Or(o.RetryMax, 3))
	o.Backoff = cmp.Or(o.Backoff, time.Second)
	o.BackoffMax = cmp.Or(o.BackoffMax, 8*time.Second)
	o.Timeout = cmp.Or(o.Timeout, 15*time.Second)
	if o.OnResult == nil {
		o.OnResult = func(int, error) {}
	}
	return o
}

// Queue prints jobs one at a time, in order, on a goroutine of its own, so
// that a slow or missing printer never holds up the till. A job that fails
// is tried again after a pause, a bounded number of times; a printer that
// reports paper end or an open cover is not sent the job at all.
type Queue struct {
	p    Printer
	opts QueueOptions

	ctx    context.Context // ends at Close; cuts a print in progress short
	cancel context.CancelFunc
	done   chan struct{} // closed when the worker has stopped

	mu      sync.Mutex
	pending []job         // waiting to print, oldest first
	wake    chan struct{} // has a value when pending may have grown
	lastID  int
	last    []byte
	closed  bool

	results *reporter
}

type job struct {
	id   int
	data []byte
}

// NewQueue starts a queue printing on p. Close stops it.
func NewQueue(p Printer, opts QueueOptions) *Queue {
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	q := &Queue{
		p: p, opts: opts, ctx: ctx, cancel: cancel,
		done:    make(chan struct{}),
		wake:    make(chan struct{}, 1),
		results: newReporter(opts.OnResult),
	}
	go q.run()
	return q
}

// Submit queues job and returns its id, never waiting. When BufferMax jobs
// are already waiting, the waiting ones are kept and this one is refused:
// OnResult gets ErrQueueFull for it. After Close, OnResult gets ErrClosed.
func (q *Queue) Submit(data []byte) (id int) {
	data = append([]byte(nil), data...) // the caller may reuse its slice
	q.mu.Lock()
	defer q.mu.Unlock()
	q.lastID++
	id = q.lastID
	q.last = data
	switch {
	case q.closed:
		q.results.add(id, fmt.Errorf("printer: queue: job %d: %w", id, ErrClosed))
	case len(q.pending) >= q.opts.BufferMax:
		q.results.add(id, fmt.Errorf("printer: queue: job %d: %d jobs waiting: %w", id, len(q.pending), ErrQueueFull))
	default:
		q.pending = append(q.pending, job{id: id, data: data})
		select {
		case q.wake <- struct{}{}:
		default: // the worker has a wake-up coming already
		}
	}
	return id
}

// Last returns a copy of the last job submitted, printed or not, for the
// cashier's 重打 (reprint) button; nil before the first.
func (q *Queue) Last() []byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]byte(nil), q.last...)
}

// Close stops the queue: a print in progress is cut short and every job not
// printed gets ErrClosed. Close returns when OnResult has seen every job.
func (q *Queue) Close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.closed = true
	q.mu.Unlock()
	q.cancel()
	<-q.done
	q.mu.Lock()
	left := q.pending
	q.pending = nil
	q.mu.Unlock()
	for _, j := range left {
		q.results.add(j.id, fmt.Errorf("printer: queue: job %d: %w", j.id, ErrClosed))
	}
	q.results.close()
}

func (q *Queue) run() {
	defer close(q.done)
	for {
		j, ok := q.next()
		if !ok {
			return
		}
		q.results.add(j.id, q.print(j))
	}
}

// next waits for a job, or returns false once the queue is closing.
func (q *Queue) next() (job, bool) {
	for {
		q.mu.Lock()
		if len(q.pending) > 0 && q.ctx.Err() == nil {
			j := q.pending[0]
			q.pending[0] = job{} // let the printed job's bytes go
			q.pending = q.pending[1:]
			q.mu.Unlock()
			return j, true
		}
		q.mu.Unlock()
		select {
		case <-q.wake:
		case <-q.ctx.Done():
			return job{}, false
		}
	}
}

// print tries j until it prints, fails for good or runs out of tries.
func (q *Queue) print(j job) error {
	for try := 0; ; try++ {
		err := q.try(j.data)
		switch {
		case err == nil:
			return nil
		case q.ctx.Err() != nil:
			return fmt.Errorf("printer: queue: job %d: %w: %w", j.id, ErrClosed, err)
		case !retryable(err) || try >= q.opts.RetryMax:
			return fmt.Errorf("printer: queue: job %d: try %d: %w", j.id, try+1, err)
		}
		if !q.sleep(q.backoff(try)) {
			return fmt.Errorf("printer: queue: job %d: %w: %w", j.id, ErrClosed, err)
		}
	}
}

// try asks the printer how it is, when it can, and prints if it is ready.
func (q *Queue) try(data []byte) error {
	ctx, cancel := context.WithTimeout(q.ctx, q.opts.Timeout)
	defer cancel()
	if sp, ok := q.p.(StatusPrinter); ok {
		st, err := sp.Status(ctx)
		switch {
		case errors.Is(err, ErrStatusUnsupported):
		case err != nil:
			return err
		case st.Err() != nil:
			return fmt.Errorf("printer: not sent: the printer reports %w (%+v)", st.Err(), st)
		}
	}
	return q.p.Print(ctx, data)
}

// retryable reports whether trying again might help. Paper and the cover
// need a person: the cashier sees the message and reprints.
func retryable(err error) bool {
	return !errors.Is(err, ErrPaperEnd) && !errors.Is(err, ErrCoverOpen) && !errors.Is(err, ErrInvalidDoc)
}

// backoff is the wait after try number try (from 0): Backoff doubled each
// time, at most BackoffMax.
func (q *Queue) backoff(try int) time.Duration {
	d := q.opts.Backoff
	for range try {
		if d >= q.opts.BackoffMax/2 {
			return q.opts.BackoffMax
		}
		d *= 2
	}
	return min(d, q.opts.BackoffMax)
}

// sleep waits d, or returns false if the queue closes first.
func (q *Queue) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-q.ctx.Done():
		return false
	}
}
