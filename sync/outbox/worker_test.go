package outbox_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/outbox"
)

var _ outbox.Store = (*storage.DB)(nil)

// clock is a test clock moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func mustJob(t *testing.T, db *storage.DB, id string) pos.Job {
	t.Helper()
	j, err := db.Job(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func runOnce(t *testing.T, w *outbox.Worker) int {
	t.Helper()
	n, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return n
}

func newWorker(db *storage.DB, clk *clock, h outbox.Handler) *outbox.Worker {
	return &outbox.Worker{Store: db, Now: clk.Now, Rand: rand.New(rand.NewPCG(1, 2)),
		Handlers:   map[pos.JobKind]outbox.Handler{pos.JobDownloadBill: h},
		BackoffMin: time.Second, BackoffMax: time.Minute, TriesMax: 5}
}

func billJob(id, key string, due time.Time) pos.Job {
	return pos.NewJob(id, pos.JobDownloadBill, key, []byte(`{"day":"2026-11-25"}`), due)
}

// TestWorkerOutcomes: each kind of handler error leads to its outcome.
func TestWorkerOutcomes(t *testing.T) {
	unavailable := pos.Errorf(pos.CodeUnavailable, "test: 502 from the gateway")
	tests := []struct {
		name      string
		err       error
		wantState string // queued, parked, done
		wantTries int
	}{
		{"success", nil, "done", 0},
		{"provider away: retry later", unavailable, "queued", 1},
		{"offline: wait without counting", outbox.ErrOffline, "queued", 0},
		{"conflict: park", pos.Errorf(pos.CodeConflict, "test: amount differs"), "parked", 1},
		{"unclassified error is a bug: park", errors.New("test: nil map"), "parked", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storagetest.NewDB(t)
			clk := newClock(storagetest.Epoch)
			w := newWorker(db, clk, outbox.HandlerFunc(func(context.Context, pos.Job) error { return tt.err }))
			if err := db.Enqueue(context.Background(), billJob("j", "", clk.Now())); err != nil {
				t.Fatal(err)
			}
			if n := runOnce(t, w); n != 1 {
				t.Fatalf("handled %d, want 1", n)
			}
			j := mustJob(t, db, "j")
			state := map[bool]string{true: "done"}[j.Done] + map[bool]string{true: "parked"}[j.Parked]
			if state == "" {
				state = "queued"
			}
			if state != tt.wantState || j.Tries != tt.wantTries {
				t.Errorf("job %s with %d tries, want %s with %d (last error %q)", state, j.Tries, tt.wantState, tt.wantTries, j.LastError)
			}
			if tt.err != nil && j.LastError == "" {
				t.Error("the error was not kept for the owner")
			}
		})
	}
}

// TestWorkerBackoffThenPark: tries back off exponentially with jitter up
// to BackoffMax, and the job is parked, not dropped, after TriesMax.
func TestWorkerBackoffThenPark(t *testing.T) {
	db := storagetest.NewDB(t)
	clk := newClock(storagetest.Epoch)
	calls := 0
	w := newWorker(db, clk, outbox.HandlerFunc(func(context.Context, pos.Job) error {
		calls++
		return pos.Errorf(pos.CodeUnavailable, "test: timeout")
	}))
	w.BackoffMax = 4 * time.Second
	if err := db.Enqueue(context.Background(), billJob("j", "", clk.Now())); err != nil {
		t.Fatal(err)
	}
	wantMax := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}
	for i, limit := range wantMax {
		runOnce(t, w)
		j := mustJob(t, db, "j")
		wait := j.Due.Sub(clk.Now())
		if wait > limit || wait < limit*3/4 {
			t.Errorf("after try %d the job waits %v, want within [%v, %v]", i+1, wait, limit*3/4, limit)
		}
		if n := runOnce(t, w); n != 0 {
			t.Errorf("try %d: a job was handled before it was due", i+1)
		}
		clk.Advance(wait)
	}
	runOnce(t, w) // the fifth try
	j := mustJob(t, db, "j")
	if !j.Parked || j.Tries != 5 || calls != 5 {
		t.Errorf("after %d calls: parked %v, tries %d; want parked after 5", calls, j.Parked, j.Tries)
	}
}

// TestWorkerOrderAndParallel: jobs of one key run one after the other, jobs
// of different keys at once, and a panic parks only its own job.
func TestWorkerOrderAndParallel(t *testing.T) {
	db := storagetest.NewDB(t)
	clk := newClock(storagetest.Epoch)
	var mu sync.Mutex
	var order []string
	var running, most atomic.Int32
	w := newWorker(db, clk, outbox.HandlerFunc(func(_ context.Context, j pos.Job) error {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(20 * time.Millisecond) // long enough for the others to start
		mu.Lock()
		order = append(order, j.ID)
		mu.Unlock()
		if j.ID == "c1" {
			panic("test: a bug in a handler")
		}
		return nil
	}))
	w.Parallel = 4
	ctx := context.Background()
	if err := db.Enqueue(ctx, billJob("a1", "a", clk.Now()), billJob("a2", "a", clk.Now()),
		billJob("b1", "b", clk.Now()), billJob("c1", "c", clk.Now()), billJob("d1", "d", clk.Now())); err != nil {
		t.Fatal(err)
	}
	if n := runOnce(t, w); n != 4 {
		t.Errorf("first pass handled %d, want 4 (a1, b1, c1, d1)", n)
	}
	if most.Load() < 2 {
		t.Errorf("at most %d jobs ran at once, want several", most.Load())
	}
	if n := runOnce(t, w); n != 1 || order[len(order)-1] != "a2" {
		t.Errorf("second pass handled %d, last %s; want a2 alone", n, order[len(order)-1])
	}
	if c := mustJob(t, db, "c1"); !c.Parked {
		t.Errorf("the panicking job is %+v, want parked", c)
	}
}

// TestWorkerNoHandlerAndShutdown: a kind nobody handles is parked; a job
// interrupted by shutdown is left as it was.
func TestWorkerNoHandlerAndShutdown(t *testing.T) {
	db := storagetest.NewDB(t)
	clk := newClock(storagetest.Epoch)
	ctx, cancel := context.WithCancel(context.Background())
	w := newWorker(db, clk, outbox.HandlerFunc(func(ctx context.Context, j pos.Job) error {
		cancel()
		return ctx.Err()
	}))
	up := pos.NewJob("up", pos.JobUploadCardCapture, "", nil, clk.Now())
	if err := db.Enqueue(ctx, up); err != nil {
		t.Fatal(err)
	}
	runOnce(t, w)
	if j := mustJob(t, db, "up"); !j.Parked {
		t.Errorf("job without handler %+v, want parked", j)
	}
	if err := db.Enqueue(ctx, billJob("j", "", clk.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := w.RunOnce(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("RunOnce interrupted: %v", err)
	}
	if j := mustJob(t, db, "j"); j.Done || j.Parked || j.Tries != 0 {
		t.Errorf("interrupted job %+v, want untouched", j)
	}
}

// countingStore counts the store calls a running worker makes.
type countingStore struct {
	*storage.DB
	due, next atomic.Int32
}

func (s *countingStore) Due(ctx context.Context, now time.Time, max int) ([]pos.Job, error) {
	s.due.Add(1)
	return s.DB.Due(ctx, now, max)
}

func (s *countingStore) NextDue(ctx context.Context) (time.Time, bool, error) {
	s.next.Add(1)
	return s.DB.NextDue(ctx)
}

// TestWorkerIdleDoesNothing: an idle Run looks at the store once and then
// sleeps until woken: no polling. A Wake and a job falling due each cost
// one pass.
func TestWorkerIdleDoesNothing(t *testing.T) {
	db := storagetest.NewDB(t)
	store := &countingStore{DB: db}
	done := make(chan string, 10)
	w := &outbox.Worker{Store: store, Handlers: map[pos.JobKind]outbox.Handler{
		pos.JobDownloadBill: outbox.HandlerFunc(func(_ context.Context, j pos.Job) error { done <- j.ID; return nil })}}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- w.Run(ctx) }()

	time.Sleep(time.Second) // the one test that must watch the clock: idle means idle over time
	if n := store.due.Load(); n > 1 {
		t.Errorf("idle for 1 s: %d Due calls, want at most 1", n)
	}
	t.Logf("idle for 1 s: %d Due calls, %d NextDue calls", store.due.Load(), store.next.Load())
	before := store.due.Load()
	if err := db.Enqueue(ctx, billJob("now", "", time.Now()), billJob("soon", "", time.Now().Add(200*time.Millisecond))); err != nil {
		t.Fatal(err)
	}
	w.Wake()
	for _, want := range []string{"now", "soon"} {
		select {
		case got := <-done:
			if got != want {
				t.Errorf("handled %s, want %s", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("job %s not handled after a wake-up", want)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if n := store.due.Load() - before; n > 3 {
		t.Errorf("%d passes for a wake-up and one timer, want at most 3", n)
	}
	cancel()
	if err := <-stopped; err != nil {
		t.Errorf("Run = %v after ctx ended, want nil", err)
	}
	if w.LastDone().IsZero() {
		t.Error("LastDone is zero after jobs were done")
	}
}
