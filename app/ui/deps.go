// Package ui holds the till's Fyne screens. Screens show state and send
// intents: every business rule is in package pos, every store behind an
// interface of pos, so screen tests need no device or network.
package ui

import (
	"context"
	"log/slog"
	"time"

	"zhanggui/app/ui/approve"
	"zhanggui/app/ui/auditlog"
	staffui "zhanggui/app/ui/staff"
	"zhanggui/hardware/camera"
	"zhanggui/pos"
)

// ReceiptSink prints receipts without ever blocking the counter.
type ReceiptSink interface {
	// Submit queues an encoded receipt and returns at once.
	Submit(job []byte) int
}

// Deps is everything the screens use, wired by package app.
type Deps struct {
	Products pos.ProductStore
	Sales    pos.SaleStore
	Carts    pos.CartStore
	Settings pos.SettingsStore
	Catalog  *pos.Catalog
	Staff    []pos.Staff // who is on duty when Login has no Service (headless tools)

	// Login is the staff service and the login screens' needs: with a
	// Service the till starts locked and everyone logs in by PIN or badge.
	Login staffui.Deps
	// Approve is what the gated actions' approvals use (app/ui/approve):
	// the staff service, the approvals store, the challenge key.
	Approve approve.Deps

	// Printer is nil when no printer is configured; PrinterFor opens the
	// one settings name (the settings screen changes it).
	Printer    ReceiptSink
	PrinterFor func(s pos.Settings) (ReceiptSink, error)
	// PrintErrors delivers print failures (job ID, error) for the cashier.
	PrintErrors <-chan PrintResult

	ImportProducts func(path string) ([]pos.Product, error)
	ExportProducts func(path string, ps []pos.Product, lang string) error
	WriteTemplate  func(path, lang string) error
	Backup         func(ctx context.Context, dest string) error
	// AppendAudit writes an audit event that has no business row of its
	// own (an export from a screen); nil: not audited.
	AppendAudit func(ctx context.Context, ev pos.AuditEvent) (pos.AuditEvent, error)

	// Payments takes payments at the providers; nil when no channel is set up.
	Payments     PaymentService
	PaymentStore pos.PaymentStore
	Refunds      RefundLister
	Phone        CustomerPhone // the demo's simulated customer; nil in a real shop
	// OpenCamera opens the counter's camera (a V4L2 webcam, or in demo mode
	// the customer phone's picture); nil when the till has none.
	OpenCamera func() (camera.FrameSource, error)
	Hardware   HardwareDeps
	Channels   ChannelDeps // the payment channels screen; a nil Store hides the tab
	// Link tells whether a provider is reachable now (sync/linkstate);
	// nil: assume online. LinkProviders are the channels shown.
	Link          func(pos.Provider) pos.Link
	LinkProviders []pos.Provider
	Reports       SalesReports   // the sales reports screen; nil hides it
	Shifts        ShiftDeps      // the shift tab (交班); a nil Store hides it
	Accounting    AccountingDeps // the accountant's screen
	Sync          SyncDeps       // the sync status screen (outbox, links)
	Restore       RestoreDeps    // Settings → 从备份恢复… (app/ui/restore.go)
	Cards         CardDeps       // card payments at the checkout
	Display       DisplayDeps    // the customer display window
	Audit         auditlog.Deps  // the owner's audit log; nil Events hides the tab
	// Notices tells the checkout what happened to payments nobody waited
	// for (a late success, its automatic refund); nil: none.
	Notices <-chan pos.PaymentNotice
	// Beep sounds scan feedback (true: taken, false: refused); nil is silent.
	Beep func(ok bool)

	CodeWait time.Duration // how long a code payment may wait for the customer
	QRWait   time.Duration // how long a dynamic QR is shown

	NewID func() string
	Now   func() time.Time
	Log   *slog.Logger
}

// PrintResult is the outcome of one print job.
type PrintResult struct {
	Job int
	Err error
}
