package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"zhanggui/assets"
	"zhanggui/pos"
	"zhanggui/reports"
	"zhanggui/storage"
)

// dbFile is the database's name inside the data directory.
const dbFile = "zhanggui.db"

// newID makes a UUIDv7 as 32 hex digits: time-ordered, and within every
// provider's out_trade_no limit.
func newID() string {
	id, err := uuid.NewV7()
	if err != nil { // the system's random source failed: nothing sensible can go on
		panic(fmt.Sprintf("app: make an ID: %v", err))
	}
	return strings.ReplaceAll(id.String(), "-", "")
}

// openShop opens (creating if need be) the data directory and database.
// With demo set, a shop with nothing in it becomes the demo shop.
func openShop(ctx context.Context, dataDir string, demo bool) (*storage.DB, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("app: data directory %s: %w", dataDir, err)
	}
	db, err := storage.Open(filepath.Join(dataDir, dbFile))
	if err != nil {
		return nil, err
	}
	if !demo {
		return db, nil
	}
	if err := seedDemo(ctx, db, dataDir); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// seedDemo fills an empty, never-configured shop with the demo shop: about
// 200 products and settings that mark everything as demo data.
func seedDemo(ctx context.Context, db *storage.DB, dataDir string) error {
	ps, err := db.Products(ctx)
	if err != nil {
		return err
	}
	st, err := db.Settings(ctx)
	if err != nil {
		return err
	}
	if len(ps) > 0 || st != pos.DefaultSettings() {
		return nil
	}
	demo, err := reports.ImportProducts(bytes.NewReader(assets.DemoProductsCSV), "csv")
	if err != nil {
		return fmt.Errorf("app: demo products: %w", err)
	}
	if err := db.ImportProducts(ctx, demo); err != nil {
		return fmt.Errorf("app: demo products: %w", err)
	}
	st.ShopName, st.Address, st.Demo = "演示小店", "演示路 1 号", true
	st.ReceiptHeader = "演示数据 · 非真实交易"
	st.PrinterKind, st.PrinterTarget = "file", filepath.Join(dataDir, "receipts.escpos")
	return db.SaveSettings(ctx, st)
}

// loadCatalog indexes the catalogue for the counter.
func loadCatalog(ctx context.Context, db *storage.DB) (*pos.Catalog, error) {
	ps, err := db.Products(ctx)
	if err != nil {
		return nil, err
	}
	return pos.NewCatalog(ps), nil
}

func runImportProducts(e *env, args []string) int {
	if len(args) != 1 {
		return e.usageError("name one file, not %q", args)
	}
	ps, err := reports.ImportProductsFile(args[0])
	if err != nil {
		fmt.Fprintf(e.stderr, "zhanggui: nothing imported: %v\n", err)
		return 1
	}
	return withDB(e, func(ctx context.Context, db *storage.DB) error {
		if err := db.ImportProducts(ctx, ps); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "imported %d products\n", len(ps))
		return nil
	})
}

func runExportProducts(e *env, args []string) int {
	if len(args) != 1 {
		return e.usageError("name one file, not %q", args)
	}
	if !strings.EqualFold(filepath.Ext(args[0]), ".xlsx") {
		// the export is always a workbook: a .csv name would hide that
		// until the file is imported again
		return e.usageError("the catalogue is exported as an Excel workbook: name a .xlsx file, not %q", args[0])
	}
	return withDB(e, func(ctx context.Context, db *storage.DB) error {
		ps, err := db.Products(ctx)
		if err != nil {
			return err
		}
		st, err := db.Settings(ctx)
		if err != nil {
			return err
		}
		if err := reports.ExportProductsFile(args[0], ps, st.Language); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "exported %d products to %s\n", len(ps), args[0])
		return auditExport(ctx, db, "products", args[0], len(ps))
	})
}

func runBackup(e *env, args []string) int {
	if len(args) != 1 {
		return e.usageError("name one destination, not %q", args)
	}
	return withDB(e, func(ctx context.Context, db *storage.DB) error {
		dest := args[0]
		if fi, err := os.Stat(dest); err == nil && fi.IsDir() {
			dest = filepath.Join(dest, "zhanggui-"+time.Now().Format("20060102-150405")+".db")
		}
		if err := db.Backup(ctx, dest); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "backup written to %s (integrity check ok)\n", dest)
		return nil
	})
}

func runRestore(e *env, args []string) int {
	if len(args) != 1 {
		return e.usageError("name one backup file, not %q", args)
	}
	if err := os.MkdirAll(e.dataDir, 0o700); err != nil {
		fmt.Fprintln(e.stderr, "zhanggui:", err)
		return 1
	}
	if err := storage.Restore(args[0], filepath.Join(e.dataDir, dbFile)); err != nil {
		fmt.Fprintln(e.stderr, "zhanggui: restore failed, the database is unchanged:", err)
		return 1
	}
	fmt.Fprintf(e.stdout, "restored %s into %s\n", args[0], e.dataDir)
	return withDB(e, func(ctx context.Context, db *storage.DB) error {
		auditRestore(ctx, db, e.log, "zhanggui restore "+filepath.Base(args[0]))
		return nil
	})
}

// withDB opens the shop's database for a headless command.
// It acts, and is audited, as the data directory's owner (os:USER).
func withDB(e *env, f func(ctx context.Context, db *storage.DB) error) int {
	ctx := pos.WithActor(context.Background(), osActor(e.dataDir))
	db, err := openShop(ctx, e.dataDir, false)
	if err != nil {
		fmt.Fprintln(e.stderr, "zhanggui:", err)
		return 1
	}
	defer db.Close()
	if err := f(ctx, db); err != nil {
		fmt.Fprintln(e.stderr, "zhanggui:", err)
		return 1
	}
	return 0
}
