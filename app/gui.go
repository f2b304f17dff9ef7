package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"zhanggui/app/ui"
	"zhanggui/app/ui/approve"
	"zhanggui/assets"
	"zhanggui/pos"
	"zhanggui/reports"
	"zhanggui/storage"
	"zhanggui/sync/outbox"
	"zhanggui/sync/settlement/reconcile"
)

// runGUI opens the till's window. With no configuration it opens the demo shop.
func runGUI(e *env, args []string) int {
	if len(args) > 0 {
		return e.usageError("no arguments, not %q", args)
	}
	ctx := context.Background()
	logFile, err := openLog(e.dataDir)
	if err != nil {
		fmt.Fprintln(e.stderr, "zhanggui:", err)
		return 1
	}
	defer logFile.Close()
	log := slog.New(slog.NewTextHandler(io.MultiWriter(logFile, e.stderr), nil))
	start := time.Now()
	applied, err := applyPendingRestore(e.dataDir)
	if err != nil { // chosen in settings (app/restore.go)
		log.Error("restore from backup failed; the database is unchanged", "err", err)
	} else if applied {
		log.Info("restored the backup chosen in settings; the old database is kept beside it")
	}
	db, err := openShop(ctx, e.dataDir, true)
	if err != nil {
		fmt.Fprintln(e.stderr, "zhanggui:", err)
		return 1
	}
	defer db.Close()
	if applied {
		auditRestore(ctx, db, log, "chosen in settings")
	}
	quietFynePrefs(log.Warn) // fyneprefs.go
	fa := fyneapp.NewWithID(fyneAppID)
	fa.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := fa.NewWindow("掌柜")
	deps, stop, err := newDeps(ctx, db, log)
	if err != nil {
		fmt.Fprintln(e.stderr, "zhanggui:", err)
		return 1
	}
	defer stop()
	st, err := db.Settings(ctx)
	if err != nil {
		fmt.Fprintln(e.stderr, "zhanggui:", err)
		return 1
	}
	pay, err := startPayments(ctx, db, st, e.dataDir, log)
	if err != nil {
		fmt.Fprintln(e.stderr, "zhanggui:", err)
		return 1
	}
	defer pay.stop()
	// Every job kind's handler is registered before the worker starts.
	till := tillPayments{Service: pay.service, store: db}
	cards, err := newCards(db, pay, e.dataDir, log)
	if err == nil {
		cards.register(pay.outbox) // offline captures to upload, card payments to resolve
		deps.Cards, till.cards = cards.uiDeps(), cards.service
	} else {
		log.Warn("card payments off", "err", err)
	}
	bills := &reconcile.Service{DB: db, Sources: tillBillSources(pay), Now: time.Now}
	pay.outbox.register(pos.JobDownloadBill, outbox.HandlerFunc(reconcile.BillJobHandler(bills, log)))
	stopOutbox := pay.outbox.start(ctx, pay.service, pay.links)
	defer stopOutbox() // before pay.stop: the worker ends before the providers
	schedCtx, stopSchedule := context.WithCancel(ctx)
	defer stopSchedule()
	go reconcile.ScheduleBillJobs(schedCtx, db, reconcile.Channels(bills.Sources), time.Now, pay.outbox.worker.Wake, log)
	deps.Sync = pay.outbox.syncDeps(pay.links)
	deps.Restore = restoreDeps(e.dataDir)
	deps.Restore.Stage = auditStage(db, deps.Restore.Stage)
	deps.Audit = auditDeps(db)
	stopBackups := startBackups(ctx, db, e.dataDir, log)
	defer stopBackups()
	deps.Payments, deps.PaymentStore, deps.Refunds, deps.Phone = till, db, db, pay.phone(db)
	deps.OpenCamera = pay.openCamera(func() pos.Settings {
		st, err := db.Settings(ctx)
		if err != nil {
			log.Warn("camera settings", "err", err)
		}
		return st // the defaults on error
	})
	deps.Hardware = hardwareDeps(pay.sim != nil)
	deps.Channels = channelDeps(pay.vault)
	deps.Link, deps.LinkProviders = pay.links.State, pay.linkProviders()
	deps.Display, deps.Beep = displayDeps(st), scanBeep(log)
	if deps.Login, err = staffDeps(ctx, db, e.dataDir, st); err != nil {
		fmt.Fprintln(e.stderr, "zhanggui:", err)
		return 1
	}
	deps.Shifts.Permissions = tablePermissions(deps.Login.Service, log)
	if auth, ok := deps.Login.Service.(approve.Staffing); ok {
		if deps.Approve, err = approveDeps(db, auth, e.dataDir); err != nil {
			fmt.Fprintln(e.stderr, "zhanggui:", err)
			return 1
		}
	}
	deps.Accounting = newAccountingDeps(db, bills.Sources)
	deps.Reports = reportsDeps(db)
	deps.Notices = pay.notices
	if _, err := ui.New(deps, w); err != nil {
		fmt.Fprintln(e.stderr, "zhanggui:", err)
		return 1
	}
	w.Resize(fyne.NewSize(1280, 720))
	// Loading a big catalogue leaves garbage several times its size; give
	// it back now rather than carry it for the whole day.
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	log.Info("till ready", "products", deps.Catalog.Len(), "startup", time.Since(start),
		"go_heap_mb", ms.HeapInuse>>20)
	w.ShowAndRun()
	return 0
}

func openLog(dataDir string) (*os.File, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("app: data directory %s: %w", dataDir, err)
	}
	return os.OpenFile(filepath.Join(dataDir, "zhanggui.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
}

// newDeps wires the screens to the database, the catalogue and the printer.
// stop ends the print queue.
func newDeps(ctx context.Context, db *storage.DB, log *slog.Logger) (ui.Deps, func(), error) {
	catalog, err := loadCatalog(ctx, db)
	if err != nil {
		return ui.Deps{}, nil, err
	}
	staff, err := db.Staff(ctx)
	if err != nil {
		return ui.Deps{}, nil, err
	}
	st, err := db.Settings(ctx)
	if err != nil {
		return ui.Deps{}, nil, err
	}
	prints := newPrintService(log)
	if err := prints.use(st); err != nil {
		log.Warn("printer", "err", err) // the till sells without one; settings can fix it
	}
	d := ui.Deps{
		Products: db, Sales: db, Carts: db, Settings: db, Catalog: catalog, Staff: staff,
		Printer: prints, PrinterFor: func(s pos.Settings) (ui.ReceiptSink, error) { return prints, prints.use(s) },
		PrintErrors:    prints.results,
		ImportProducts: reports.ImportProductsFile,
		ExportProducts: reports.ExportProductsFile,
		WriteTemplate:  writeTemplateFile,
		Backup:         db.Backup,
		AppendAudit:    db.AppendAudit,
		Shifts:         ui.ShiftDeps{Store: db}, // Approve nil: the till's gate (ui shiftApprove)
		NewID:          newID,
		Now:            time.Now,
		Log:            log,
	}
	return d, prints.close, nil
}

func writeTemplateFile(path, lang string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("app: template %s: %w", path, err)
	}
	if err := reports.WriteTemplateXLSX(f, lang); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// startBackups keeps rotating, verified copies of the database in the data
// directory's backups folder (storage.Backups: every few hours and at start
// when one is due). stop ends it.
func startBackups(ctx context.Context, db *storage.DB, dataDir string, log *slog.Logger) (stop func()) {
	b := &storage.Backups{DB: db, Dir: filepath.Join(dataDir, "backups")}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Run(ctx, func(err error) {
			if err != nil {
				log.Warn("automatic backup", "err", err)
			}
		})
	}()
	return func() { cancel(); <-done }
}
