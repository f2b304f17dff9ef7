// Package outbox drains the till's outbox: the jobs that need the network
// (pos.Job), written by storage in the same transaction as the change that
// caused them. A Worker hands each due job to the Handler of its kind and
// records the outcome: done; tried again later with exponential backoff
// and jitter when the provider is away (pos.CodeUnavailable); postponed
// without counting a try while the provider's link is known to be offline
// (ErrOffline); parked for the owner when trying again cannot help, or
// after TriesMax tries. A parked job is listed (storage's Parked), never
// dropped, and holds back the later jobs of its key.
//
// One key's jobs (one payment's) run in order: the store hands out only the
// first unfinished job of a key. Handlers are idempotent: a job sent twice,
// because the till died after sending it, has the effect of sending it once
// (the provider sees the same out_trade_no / out_refund_no).
//
// Run sleeps until the next job falls due, a Wake (a commit that enqueued,
// the link coming back) or the end of its context: it never polls, so an
// idle till pays nothing. Tests call RunOnce.
//
// # Wiring (in app)
//
//	w := &outbox.Worker{Store: db, Now: time.Now}
//	svc := &payments.Service{
//		// The payment saved as authorizing and the job that resolves it,
//		// should the till die first, are one transaction.
//		Store: outbox.PaymentStore{PaymentStore: db, Jobs: db, Enqueued: w.Wake,
//			Delay: func(p pos.Payment) time.Duration { return policy.QRFor + 30*time.Second }},
//		RefundStore: db, ...}
//	w.Handlers = map[pos.JobKind]outbox.Handler{
//		pos.JobResolvePayment: outbox.PaymentHandler{Payments: svc, Link: mon.State, Settled: completeOrTell},
//		pos.JobResolveRefund:  outbox.RefundHandler{Payments: svc, Link: mon.State},
//	}
//	mon.Subscribe(func(c linkstate.Change) {
//		if c.To == pos.LinkOnline {
//			go w.SyncNow(ctx) // the link is back: everything due now
//		}
//	})
//	go w.Run(ctx)
//
// At start, before Run, app enqueues outbox.PaymentJob for every open
// payment and outbox.RefundJob for every pending refund (a no-op for those
// that have one), so a job lost to an older version or a bug is made again.
//
// This package holds no business rule and imports no other adapter: the
// payment service and the store are interfaces, wired in app.
package outbox
