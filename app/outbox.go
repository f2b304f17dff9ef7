package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"zhanggui/app/ui"
	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/sync/linkstate"
	"zhanggui/sync/outbox"
	"zhanggui/sync/payments"
)

// The outbox in the GUI (sync/outbox): the worker that drains the jobs
// needing the network, wired to the payment service, the link monitor and
// the sync status screen.
//
// It replaces the minute sweeper the till had: every payment saved as
// authorizing and every refund saved as pending gets its job in the same
// transaction (stores), and at start every open payment and pending refund
// gets one if it lacks it (reconcile), so the worker sees all the work the
// sweeper did, but with backoff, without calls while a link is known to be
// down, with a job that keeps failing parked for the owner, and with no
// timer at all when nothing is queued. It cannot race the cashier: a
// payment or refund a flow is running is owned by that flow (payments'
// tryOwn), so the worker's Resolve leaves it alone and tries again later;
// and a payment's job falls due only after the flow's own wait.

var (
	_ outbox.Store         = (*storage.DB)(nil)
	_ outbox.PaymentJobs   = (*storage.DB)(nil)
	_ payments.RefundStore = (*storage.DB)(nil)
)

// refundDelay is how long after a refund is sent its job falls due: past
// the refund flow's own polling (5 queries 5 s apart).
const refundDelay = time.Minute

// outboxSetup is the GUI's outbox worker and what it knows for the screen.
type outboxSetup struct {
	db     *storage.DB
	worker *outbox.Worker
	log    *slog.Logger

	mu       sync.Mutex
	handlers map[pos.JobKind]outbox.Handler
	started  bool
	lastSync map[pos.Provider]time.Time // the last job of each channel done
	seedOnce sync.Once                  // lastSync read from the outbox once
	queued   atomic.Int64               // queued jobs as last counted (the banner)
	passes   atomic.Int64               // worker passes since start (the idle benchmark)
}

// newOutbox makes the worker; start runs it. Between the two, the payment
// service is built on stores() and other handlers are registered.
func newOutbox(db *storage.DB, log *slog.Logger) *outboxSetup {
	o := &outboxSetup{db: db, log: log, handlers: map[pos.JobKind]outbox.Handler{},
		lastSync: map[pos.Provider]time.Time{}}
	o.worker = &outbox.Worker{Store: countingStore{DB: db, o: o}, Now: time.Now, Log: log}
	return o
}

// register adds the handler of a kind of job (card captures, bill
// downloads). It must be called before start: the worker's handlers are
// fixed once it runs. A kind without a handler is parked by the worker
// with "no handler", shown to the owner, never dropped.
func (o *outboxSetup) register(kind pos.JobKind, h outbox.Handler) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.started {
		panic(fmt.Sprintf("app: outbox handler for %s registered after start", kind))
	}
	o.handlers[kind] = tracked{h: h, o: o}
}

// stores returns the payment service's stores: a payment saved as
// authorizing gets the job that resolves it, a refund saved as pending the
// job that asks about it, each in the same transaction; a payment or
// refund that reaches its outcome marks its job done.
func (o *outboxSetup) stores(pol payments.Policy) (pos.PaymentStore, payments.RefundStore) {
	ps := outbox.PaymentStore{PaymentStore: o.db, Jobs: o.db, Enqueued: o.worker.Wake,
		Delay: func(p pos.Payment) time.Duration { return flowWait(pol, p.Mode) + 30*time.Second }}
	return finalPayments{PaymentStore: ps, o: o}, refundJobs{DB: o.db, o: o}
}

// flowWait is how long the cashier's flow may wait for a payment of mode,
// cancelling included.
func flowWait(pol payments.Policy, mode pos.PaymentMode) time.Duration {
	wait := pol.PollFor
	if mode == pos.ModeQR {
		wait = pol.QRFor
	}
	return wait + time.Duration(pol.CancelTries)*pol.CancelEvery
}

// start registers the payment and refund handlers, makes the jobs of open
// payments and pending refunds that lack one and makes every queued job
// due now, wakes the worker whenever a link comes back, and runs it until
// stop (which waits for it to end).
func (o *outboxSetup) start(ctx context.Context, svc *payments.Service, links *linkstate.Monitor) (stop func()) {
	o.register(pos.JobResolvePayment, outbox.PaymentHandler{Payments: svc, Link: links.State})
	o.register(pos.JobResolveRefund, outbox.RefundHandler{Payments: svc, Link: links.State})
	o.mu.Lock()
	o.worker.Handlers, o.started = o.handlers, true
	o.mu.Unlock()
	if err := o.reconcile(ctx); err != nil {
		o.log.Warn("outbox: jobs of open payments", "err", err) // the worker still drains the others
	}
	// No flow runs yet, so every queued job may go now: what a crash left
	// waiting is resolved at start, as the sweeper did.
	o.syncNow(ctx)
	ctx, cancel := context.WithCancel(ctx)
	unsubscribe := links.Subscribe(func(c linkstate.Change) {
		if c.To == pos.LinkOnline {
			go o.syncNow(ctx) // the link is back: everything due now
		}
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = o.worker.Run(ctx) // returns nil when ctx ends
	}()
	return func() { unsubscribe(); cancel(); <-done }
}

func (o *outboxSetup) syncNow(ctx context.Context) {
	if err := o.worker.SyncNow(ctx); err != nil && ctx.Err() == nil {
		o.log.Warn("outbox: sync now", "err", err) // the jobs fall due later anyway
	}
}

// reconcile enqueues, due now, the job of every open payment and pending
// refund (outbox.OpenWork).
func (o *outboxSetup) reconcile(ctx context.Context) error {
	jobs, err := outbox.OpenWork(ctx, o.db, time.Now())
	if err != nil || len(jobs) == 0 {
		return err
	}
	return o.db.Enqueue(ctx, jobs...)
}

// countingStore is the worker's store; after every pass (NextDue) it counts
// the queued jobs again for the banner, so the count costs nothing while
// the worker sleeps.
type countingStore struct {
	*storage.DB
	o *outboxSetup
}

func (s countingStore) NextDue(ctx context.Context) (time.Time, bool, error) {
	s.o.passes.Add(1)
	s.o.count(ctx)
	return s.DB.NextDue(ctx)
}

func (o *outboxSetup) count(ctx context.Context) {
	queued, err := o.db.WaitingJobs(ctx)
	if err != nil {
		o.log.Warn("outbox: count", "err", err)
		return
	}
	o.queued.Store(int64(queued))
}

// finalPayments marks a payment's job done when the flow saves its
// outcome: the job would only find the payment final, and the owner must
// not see a normal payment as waiting to sync.
type finalPayments struct {
	outbox.PaymentStore
	o *outboxSetup
}

func (s finalPayments) SavePayment(ctx context.Context, p pos.Payment) error {
	if err := s.PaymentStore.SavePayment(ctx, p); err != nil {
		return err
	}
	if p.State.Final() {
		s.o.done(ctx, outbox.PaymentJob(p, p.Updated).ID)
	}
	return nil
}

// refundJobs saves a pending provider refund with its job in one
// transaction, and marks the job done when the refund ends.
type refundJobs struct {
	*storage.DB
	o *outboxSetup
}

func (s refundJobs) SaveRefund(ctx context.Context, r pos.Refund, p *pos.Payment) error {
	if p == nil || r.PaymentID == "" {
		return s.DB.SaveRefund(ctx, r, p)
	}
	job := outbox.RefundJob(r, p.Provider, time.Now().Add(refundDelay))
	if r.State != pos.RefundPending {
		if err := s.DB.SaveRefund(ctx, r, p); err != nil {
			return err
		}
		s.o.done(ctx, job.ID)
		return nil
	}
	if err := s.DB.SaveRefundWithJobs(ctx, r, p, job); err != nil {
		return err
	}
	s.o.worker.Wake()
	return nil
}

// done marks a job done after its payment or refund ended; a job that is
// not there (made before the outbox) or not queued is left alone.
func (o *outboxSetup) done(ctx context.Context, id string) {
	err := o.db.Done(context.WithoutCancel(ctx), id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		o.log.Warn("outbox: mark done", "job", id, "err", err) // the job runs and finds it final
	}
	o.worker.Wake() // a pass recounts the queue
}

// tracked is a registered handler that records, per channel, when a job
// was last done: the sync screen's 上次同步.
type tracked struct {
	h outbox.Handler
	o *outboxSetup
}

func (t tracked) Handle(ctx context.Context, j pos.Job) error {
	if err := t.h.Handle(ctx, j); err != nil {
		return err
	}
	t.o.mu.Lock()
	t.o.lastSync[jobProvider(j)] = time.Now().UTC()
	t.o.mu.Unlock()
	return nil
}

// jobProvider is the channel a job talks to: the "provider" of its JSON
// payload (every payment and refund job has one), "" if it names none.
func jobProvider(j pos.Job) pos.Provider {
	var p struct {
		Provider pos.Provider `json:"provider"`
	}
	_ = json.Unmarshal(j.Payload, &p) // a payload without one is a job of no channel
	return p.Provider
}

// syncDeps wires the sync status screen.
func (o *outboxSetup) syncDeps(links *linkstate.Monitor) ui.SyncDeps {
	return ui.SyncDeps{
		Status:  func(ctx context.Context) (ui.SyncStatus, error) { return o.status(ctx, links) },
		Parked:  o.db.Parked,
		Requeue: o.requeue,
		SyncNow: o.worker.SyncNow,
		Queued:  func() int { return int(o.queued.Load()) },
		CardLosses: func(ctx context.Context) ([]ui.CardLoss, error) {
			ls, err := o.db.CardLosses(ctx)
			out := make([]ui.CardLoss, 0, len(ls))
			for _, l := range ls {
				out = append(out, ui.CardLoss{SaleNo: l.SaleNo, Amount: l.Amount, MaskedPAN: l.MaskedPAN,
					ApprovedAt: l.ApprovedAt, DeclinedAt: l.DeclinedAt, Reason: l.Reason})
			}
			return out, err
		},
	}
}

func (o *outboxSetup) requeue(ctx context.Context, id string) error {
	if err := o.db.Requeue(ctx, id); err != nil {
		return err
	}
	o.worker.Wake()
	return nil
}

// seedLastSync reads, once, when each channel last synced before this
// start (the outbox keeps its done jobs), so 上次同步 survives a restart.
func (o *outboxSetup) seedLastSync(ctx context.Context) {
	o.seedOnce.Do(func() {
		last, err := o.db.LastDoneByProvider(ctx, 2000)
		if err != nil {
			o.log.Warn("outbox: last sync", "err", err)
			return
		}
		o.mu.Lock()
		defer o.mu.Unlock()
		for p, at := range last {
			if at.After(o.lastSync[pos.Provider(p)]) {
				o.lastSync[pos.Provider(p)] = at
			}
		}
	})
}

// status reads each channel's link, queue and last sync now.
func (o *outboxSetup) status(ctx context.Context, links *linkstate.Monitor) (ui.SyncStatus, error) {
	queues, err := o.db.QueueByProvider(ctx)
	if err != nil {
		return ui.SyncStatus{}, err
	}
	st := ui.SyncStatus{LastSync: o.worker.LastDone()}
	o.seedLastSync(ctx)
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, at := range o.lastSync { // a job done before this start counts too
		if at.After(st.LastSync) {
			st.LastSync = at
		}
	}
	var total int
	for _, l := range links.Status() {
		st.Channels = append(st.Channels, ui.ChannelSync{Provider: l.Provider, Link: l.Link,
			LastOK: l.LastOK, LastError: l.LastError, LastSync: o.lastSync[l.Provider]})
	}
	for _, q := range queues {
		p := pos.Provider(q.Provider)
		i := slices.IndexFunc(st.Channels, func(c ui.ChannelSync) bool { return c.Provider == p })
		if i < 0 {
			st.Channels = append(st.Channels, ui.ChannelSync{Provider: p, Link: links.State(p), LastSync: o.lastSync[p]})
			i = len(st.Channels) - 1
		}
		st.Channels[i].Queued, st.Channels[i].Oldest = q.Queued, q.Oldest
		total += q.Queued
	}
	o.queued.Store(int64(total))
	return st, nil
}

// reportLinks wraps each provider client so that the outcome of every
// real call tells the link monitor how the channel is doing, beside its
// probes: a gateway that answers the probe while payments time out is
// partial (部分可用), not online. An error is a call without a trusted
// answer; a definite answer, even a refusal, is a success.
func reportLinks(provs map[pos.Provider]payments.Provider, links *linkstate.Monitor) map[pos.Provider]payments.Provider {
	out := make(map[pos.Provider]payments.Provider, len(provs))
	for p, c := range provs {
		link := p
		if p == pos.ECNY || p == pos.Card { // one acquirer, one link: UnionPay's
			link = pos.UnionPay
		}
		out[p] = linkReporter{Provider: c, p: link, links: links}
	}
	return out
}

// rawClient is the client of p under its link reporter: what code that
// needs the concrete client (the acquirer's for cards, bill downloads)
// type-asserts, e.g. pay.rawClient(pos.UnionPay).(*unionpay.Client).
func (ps *paymentSetup) rawClient(p pos.Provider) payments.Provider {
	c := ps.service.Providers[p]
	if r, ok := c.(linkReporter); ok {
		return r.Provider
	}
	return c
}

type linkReporter struct {
	payments.Provider
	p     pos.Provider
	links *linkstate.Monitor
}

func (l linkReporter) report(r pos.ProviderResult, err error) (pos.ProviderResult, error) {
	l.links.Report(l.p, err) // a call the till gave up on (context.Canceled) is ignored
	return r, err
}

func (l linkReporter) Pay(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error) {
	return l.report(l.Provider.Pay(ctx, r))
}

func (l linkReporter) Precreate(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error) {
	return l.report(l.Provider.Precreate(ctx, r))
}

func (l linkReporter) Query(ctx context.Context, no string) (pos.ProviderResult, error) {
	return l.report(l.Provider.Query(ctx, no))
}

func (l linkReporter) Cancel(ctx context.Context, no string) (pos.ProviderResult, error) {
	return l.report(l.Provider.Cancel(ctx, no))
}

func (l linkReporter) Refund(ctx context.Context, r pos.RefundRequest) (pos.ProviderResult, error) {
	return l.report(l.Provider.Refund(ctx, r))
}

func (l linkReporter) RefundQuery(ctx context.Context, no, refundNo string) (pos.ProviderResult, error) {
	return l.report(l.Provider.RefundQuery(ctx, no, refundNo))
}
