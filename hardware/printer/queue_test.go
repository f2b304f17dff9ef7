package printer_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"zhanggui/hardware/printer"
	"zhanggui/hardware/printer/printertest"
)

// printFunc is a Printer stub for failures the loopback printer cannot
// stage.
type printFunc func(ctx context.Context, job []byte) error

func (f printFunc) Print(ctx context.Context, job []byte) error { return f(ctx, job) }

// outcomes collects what OnResult reports.
type outcomes chan outcome

type outcome struct {
	id  int
	err error
}

func newOutcomes() outcomes { return make(outcomes, 1000) }

func (o outcomes) onResult(id int, err error) { o <- outcome{id, err} }

// wait returns the next n outcomes by id, failing the test on a duplicate
// or after printertest.WaitMax.
func (o outcomes) wait(t *testing.T, n int) map[int]error {
	t.Helper()
	timeout := time.NewTimer(printertest.WaitMax)
	defer timeout.Stop()
	got := map[int]error{}
	for len(got) < n {
		select {
		case r := <-o:
			if _, dup := got[r.id]; dup {
				t.Fatalf("job %d reported twice", r.id)
			}
			got[r.id] = r.err
		case <-timeout.C:
			t.Fatalf("%d outcomes after %v, want %d: %v", len(got), printertest.WaitMax, n, got)
		}
	}
	return got
}

// fastRetries retries at once, so tests wait for nothing.
func fastRetries(o outcomes) printer.QueueOptions {
	return printer.QueueOptions{Backoff: time.Millisecond, BackoffMax: 2 * time.Millisecond,
		Timeout: 2 * time.Second, OnResult: o.onResult}
}

func TestQueueRetryThenSuccess(t *testing.T) {
	srv := printertest.NewServer(t)
	srv.FailNext(2, printertest.Hangup) // the first two status queries fail
	o := newOutcomes()
	q := printer.NewQueue(printer.TCP{Addr: srv.Addr()}, fastRetries(o))
	defer q.Close()

	job := testJob(t)
	id := q.Submit(job)
	if err := o.wait(t, 1)[id]; err != nil {
		t.Fatalf("job %d: %v, want printed after retries", id, err)
	}
	if jobs := srv.Jobs(); len(jobs) != 1 || !bytes.Equal(jobs[0], job) {
		t.Errorf("printer got %d jobs, want the job once", len(jobs))
	}
	if got, want := srv.Accepted(), 4; got != want { // 2 hang-ups, then status and print
		t.Errorf("connections = %d, want %d", got, want)
	}
}

func TestQueueGivesUp(t *testing.T) {
	srv := printertest.NewServer(t)
	srv.SetMode(printertest.Refuse)
	o := newOutcomes()
	opts := fastRetries(o)
	opts.RetryMax = 2
	q := printer.NewQueue(printer.TCP{Addr: srv.Addr()}, opts)
	defer q.Close()

	id := q.Submit(testJob(t))
	err := o.wait(t, 1)[id]
	if !errors.Is(err, printer.ErrNotConnected) {
		t.Fatalf("job %d: %v, want ErrNotConnected", id, err)
	}
	if got, want := printer.ChineseMessage(err), "打印机未连接，请检查电源和连线"; got != want {
		t.Errorf("ChineseMessage(%v) = %q, want %q", err, got, want)
	}
}

func TestQueuePaperEnd(t *testing.T) {
	srv := printertest.NewServer(t)
	srv.SetStatus(printer.Status{PaperEnd: true})
	o := newOutcomes()
	q := printer.NewQueue(printer.TCP{Addr: srv.Addr()}, fastRetries(o))
	defer q.Close()

	id := q.Submit(testJob(t))
	err := o.wait(t, 1)[id]
	if !errors.Is(err, printer.ErrPaperEnd) || printer.ChineseMessage(err) != "打印机缺纸" {
		t.Fatalf("job %d: %v (%s), want paper end", id, err, printer.ChineseMessage(err))
	}
	if got := srv.Accepted(); got != 1 {
		t.Errorf("connections = %d, want 1: a status query, no retry, no job", got)
	}
	if jobs := srv.Jobs(); len(jobs) != 0 {
		t.Errorf("printer got %d jobs with no paper, want none", len(jobs))
	}

	srv.SetStatus(printer.Status{Online: true}) // paper loaded: the cashier reprints
	id = q.Submit(q.Last())
	if err := o.wait(t, 1)[id]; err != nil {
		t.Fatalf("reprint: %v", err)
	}
	if jobs := srv.WaitJobs(1); !bytes.Equal(jobs[0], testJob(t)) {
		t.Errorf("reprint printed %d bytes, want the last receipt", len(jobs[0]))
	}
}

// TestQueueNeverBlocks submits far more jobs than fit while the printer
// hangs: Submit must return every time, and every job must be reported.
func TestQueueNeverBlocks(t *testing.T) {
	hung := printFunc(func(ctx context.Context, _ []byte) error {
		<-ctx.Done()
		return ctx.Err()
	})
	o := newOutcomes()
	q := printer.NewQueue(hung, printer.QueueOptions{BufferMax: 4, Timeout: time.Hour, OnResult: o.onResult})

	const n = 100
	submitted := make(chan struct{})
	go func() {
		defer close(submitted)
		for range n {
			q.Submit([]byte("job"))
		}
	}()
	select {
	case <-submitted:
	case <-time.After(printertest.WaitMax):
		t.Fatal("Submit blocked while the printer hangs")
	}
	q.Close()
	// One job may be printing and BufferMax waiting; the rest were refused.
	var closed, full int
	for id, err := range o.wait(t, n) {
		switch {
		case errors.Is(err, printer.ErrClosed):
			closed++
		case errors.Is(err, printer.ErrQueueFull):
			full++
		default:
			t.Errorf("job %d: %v, want ErrQueueFull or ErrClosed", id, err)
		}
	}
	if closed < 4 || closed > 5 || closed+full != n {
		t.Errorf("%d closed, %d refused as full; want 4 or 5 closed and the rest refused", closed, full)
	}
}

func TestQueueOrderAndLast(t *testing.T) {
	srv := printertest.NewServer(t)
	o := newOutcomes()
	q := printer.NewQueue(printer.TCP{Addr: srv.Addr()}, fastRetries(o))
	defer q.Close()

	if last := q.Last(); last != nil {
		t.Errorf("Last() before any job = %q, want nil", last)
	}
	var want [][]byte
	for _, s := range []string{"一", "二", "三"} {
		job := []byte("\x1b@" + s + "\n")
		q.Submit(job)
		want = append(want, bytes.Clone(job))
		job[2] = 'X' // the queue must have copied it
	}
	for id, err := range o.wait(t, 3) {
		if err != nil {
			t.Errorf("job %d: %v", id, err)
		}
	}
	got := srv.WaitJobs(3)
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("job %d printed %q, want %q", i+1, got[i], want[i])
		}
	}
	if last := q.Last(); !bytes.Equal(last, want[2]) {
		t.Errorf("Last() = %q, want %q", last, want[2])
	}
}

// TestQueueNoStatus prints through a sink that cannot ask for status.
func TestQueueNoStatus(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lp0")
	if err := (printer.File{Path: path}).Print(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	o := newOutcomes()
	q := printer.NewQueue(printer.Device{Path: path}, fastRetries(o))
	defer q.Close()
	id := q.Submit([]byte("x"))
	if err := o.wait(t, 1)[id]; err != nil {
		t.Errorf("job %d on a device sink: %v, want printed", id, err)
	}
}

func TestQueueClosed(t *testing.T) {
	o := newOutcomes()
	q := printer.NewQueue(printer.Discard{}, printer.QueueOptions{OnResult: o.onResult})
	q.Close()
	q.Close() // twice is fine
	id := q.Submit([]byte("x"))
	if err := o.wait(t, 1)[id]; !errors.Is(err, printer.ErrClosed) {
		t.Errorf("Submit after Close: %v, want ErrClosed", err)
	}
}
