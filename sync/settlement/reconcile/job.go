package reconcile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/sync/settlement"
)

// The next-morning bill download runs as outbox jobs (pos.JobDownloadBill),
// one per channel and Beijing day, so a failure is retried with backoff,
// a bill that cannot be read is parked for the owner, and nothing is
// done twice: the job ID names the channel and the day.
//
// app wires it (sync/outbox stays unaware of bills):
//
//	svc := &reconcile.Service{DB: db, Sources: sources, Now: time.Now}
//	w.Handlers[pos.JobDownloadBill] = outbox.HandlerFunc(reconcile.BillJobHandler(svc, log))
//	go reconcile.ScheduleBillJobs(ctx, db, reconcile.Channels(sources), time.Now, w.Wake, log)

// BillJobHour is the Beijing hour after which the days just ended get
// their bill jobs: the providers make the bills overnight.
const BillJobHour = 9

// billCatchUpDays is how many days back a pass enqueues: a till switched
// off over a long weekend still fetches every bill (the IDs make the
// days already done no-ops).
const billCatchUpDays = 3

// billJob is a job's payload.
type billJob struct {
	Channel string `json:"channel"`
	Day     string `json:"day"` // YYYY-MM-DD, Beijing time
}

// BillJob returns the job that downloads ch's bill of day and reconciles
// the day. It is due when the bill is sure to be made (billReadyAfter);
// its ID, "download_bill:<channel>:<day>", is its key too.
func BillJob(ch settlement.Channel, day time.Time) pos.Job {
	d := settlement.DayOf(day)
	payload, _ := json.Marshal(billJob{Channel: string(ch), Day: d.Format(settlement.DayLayout)}) // two strings: cannot fail
	id := string(pos.JobDownloadBill) + ":" + string(ch) + ":" + d.Format(settlement.DayLayout)
	return pos.NewJob(id, pos.JobDownloadBill, id, payload, d.AddDate(0, 0, 1).Add(billReadyAfter))
}

// Channels lists the channels of sources in report order.
func Channels(sources map[settlement.Channel]BillSource) []settlement.Channel {
	var out []settlement.Channel
	for _, ch := range settlement.Channels {
		if _, ok := sources[ch]; ok {
			out = append(out, ch)
		}
	}
	return out
}

// StoredConfig is the reconciliation settings the shop saved: each
// channel's fee rate (storage's FeeRates; a channel never set has
// settlement.DefaultFeeRateBP).
func StoredConfig(ctx context.Context, db *storage.DB) (settlement.Config, error) {
	rates, err := db.FeeRates(ctx)
	if err != nil {
		return settlement.Config{}, fmt.Errorf("reconcile: settings: %w", err)
	}
	cfg := settlement.Config{FeeRateBP: map[settlement.Channel]int64{}}
	for ch, bp := range rates {
		cfg.FeeRateBP[settlement.Channel(ch)] = bp
	}
	return cfg, nil
}

// BillJobHandler returns the handler of pos.JobDownloadBill jobs: it
// downloads the job's bill unless one is stored, reconciles the day (with
// the fee rates saved at that moment) and the day before when it was
// reconciled already (a payment near midnight waits for this bill). A
// bill not made yet or a network failure is pos.CodeUnavailable (the
// worker tries again later); a bill that cannot be read, or a bad
// payload, is parked with the reason. A channel that lost its source is
// done: there is nothing to fetch.
//
// The handler runs one job at a time, whatever the worker's Parallel: two
// channels' jobs of one day reconciling at once could each save a result
// made without the other's bill.
func BillJobHandler(svc *Service, log *slog.Logger) func(context.Context, pos.Job) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var mu sync.Mutex
	return func(ctx context.Context, j pos.Job) error {
		mu.Lock()
		defer mu.Unlock()
		if err := svc.billJob(ctx, j, log); err != nil { // with the fee rates saved now
			return fmt.Errorf("reconcile: job %s: %w", j.ID, err)
		}
		return nil
	}
}

func (s *Service) billJob(ctx context.Context, j pos.Job, log *slog.Logger) error {
	var p billJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return pos.Errorf(pos.CodeInternal, "bad payload: %w", err)
	}
	ch, err := settlement.ParseChannel(p.Channel)
	if err != nil {
		return pos.Errorf(pos.CodeInternal, "bad payload: %w", err)
	}
	day, err := settlement.ParseDay(p.Day)
	if err != nil {
		return pos.Errorf(pos.CodeInternal, "bad payload: %w", err)
	}
	src, ok := s.Sources[ch]
	if !ok {
		log.Info("bill job for a channel without a source: nothing to fetch", "job", j.ID)
		return nil
	}
	cfg, err := StoredConfig(ctx, s.DB) // the accountant may have changed them
	if err != nil {
		return pos.Errorf(pos.CodeUnavailable, "fee rates: %w", err)
	}
	one := &Service{DB: s.DB, Sources: map[settlement.Channel]BillSource{ch: src}, Config: cfg, Now: s.Now}
	for _, f := range one.FetchBills(ctx, day) {
		if err := fetchError(f); err != nil {
			return err
		}
	}
	return one.reconcileAfterBill(ctx, day)
}

// fetchError is what a failed fetch means for the worker: a bill not made
// yet is worth waiting for.
func fetchError(f Fetch) error {
	switch {
	case f.Err == nil:
		return nil
	case pos.ErrorCode(f.Err) == pos.CodeNotFound:
		return pos.Errorf(pos.CodeUnavailable, "%s bill of %s not made yet: %w", f.Channel,
			f.Day.Format(settlement.DayLayout), f.Err)
	}
	return fmt.Errorf("%s bill of %s: %w", f.Channel, f.Day.Format(settlement.DayLayout), f.Err)
}

// reconcileAfterBill reconciles day, and the day before if it has a
// stored result: its items near midnight waited for day's bill.
func (s *Service) reconcileAfterBill(ctx context.Context, day time.Time) error {
	if _, err := s.ReconcileDay(ctx, day); err != nil {
		return err
	}
	prev := day.AddDate(0, 0, -1)
	switch _, err := s.DB.Reconciliation(ctx, prev); {
	case errors.Is(err, storage.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	_, err := s.ReconcileDay(ctx, prev)
	return err
}

// Enqueuer is where bill jobs go (*storage.DB).
type Enqueuer interface {
	Enqueue(ctx context.Context, jobs ...pos.Job) error
}

// EnqueueBillJobs enqueues the bill jobs of the days just ended as of now:
// up to yesterday (Beijing) once it is BillJobHour, up to the day before
// until then, and billCatchUpDays days back. Enqueueing is idempotent (a
// job already queued, parked or done stays as it is), so calling it at
// every start and every morning never doubles a job. It returns the jobs
// offered.
func EnqueueBillJobs(ctx context.Context, q Enqueuer, channels []settlement.Channel, now time.Time) ([]pos.Job, error) {
	last := settlement.DayOf(now).AddDate(0, 0, -1)
	if now.In(settlement.Beijing).Hour() < BillJobHour {
		last = last.AddDate(0, 0, -1)
	}
	var jobs []pos.Job
	for d := last.AddDate(0, 0, 1-billCatchUpDays); !d.After(last); d = d.AddDate(0, 0, 1) {
		for _, ch := range channels {
			jobs = append(jobs, BillJob(ch, d))
		}
	}
	if len(jobs) == 0 {
		return nil, nil
	}
	if err := q.Enqueue(ctx, jobs...); err != nil {
		return nil, fmt.Errorf("reconcile: enqueue bill jobs: %w", err)
	}
	return jobs, nil
}

// nextBillPass is the next BillJobHour, Beijing time, after now.
func nextBillPass(now time.Time) time.Time {
	b := now.In(settlement.Beijing)
	at := time.Date(b.Year(), b.Month(), b.Day(), BillJobHour, 0, 0, 0, settlement.Beijing)
	if !at.After(now) {
		at = at.AddDate(0, 0, 1)
	}
	return at
}

// ScheduleBillJobs enqueues the bill jobs at once (EnqueueBillJobs) and
// then every day at BillJobHour Beijing time until ctx ends, calling wake
// (the worker's Wake; may be nil) after each pass. A failed pass is
// logged and tried again at the next. It returns when ctx ends.
func ScheduleBillJobs(ctx context.Context, q Enqueuer, channels []settlement.Channel, now func() time.Time, wake func(), log *slog.Logger) {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for {
		if _, err := EnqueueBillJobs(ctx, q, channels, now()); err != nil && ctx.Err() == nil {
			log.Warn("bill jobs", "err", err)
		} else if wake != nil {
			wake()
		}
		t := time.NewTimer(nextBillPass(now()).Sub(now()))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
