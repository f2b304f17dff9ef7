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
// This package holds no business rule and imports no other adapter: the
// payment service and the store are interfaces, wired in app.
package outbox
