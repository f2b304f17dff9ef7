// Package soak is the crash and fault harness of the till core: TestSoak
// runs the real core headless (storage on a SQLite file, the payment
// service with the real Alipay, WeChat Pay and acquirer clients, the card
// payment service with the real card terminal over an in-memory reader,
// the outbox worker, the link monitor) as a child process against the
// provider simulator on loopback, over thousands of sales of every tender
// kind (cash, payment codes, dynamic QR, and contactless cards approved
// online or offline within the limits: cards.go), and injects faults:
// SIGKILL of the till at random points (the parent restarts it; it
// recovers through payments.Service.Recover and the outbox), provider
// timeouts, resets, 5xx, lost answers after a charge, slow answers, the
// link going down, clock jumps, and card accounts spent before an offline
// capture's upload. At the end it checks the books against the simulator's
// ledger (and the card captures and losses: audit_cards.go) and prints
// what it did.
//
// The default run lasts about 40 s, for `make test`; ZHANGGUI_SOAK=10m runs
// longer (`make soak`). The package has no API: Till is the driver the
// child process runs, Audit the checks, both used only by the tests.
package soak
