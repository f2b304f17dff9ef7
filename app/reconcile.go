package app

import (
	"context"
	"path/filepath"

	"zhanggui/storage"
	"zhanggui/sync/settlement"
	"zhanggui/sync/settlement/reconcile"
)

// reconcileDeps gives the settlement commands the database and the bill
// downloads of the shop's configured channels. It opens nothing itself:
// the command calls Load once its usage is checked, so a usage error
// leaves the data directory untouched.
func reconcileDeps(e *env) reconcile.Deps {
	return reconcile.Deps{
		Open:    func() (*storage.DB, error) { return storage.Open(filepath.Join(e.dataDir, dbFile)) },
		Sources: map[settlement.Channel]reconcile.BillSource{},
		Load:    func(d *reconcile.Deps) { loadReconcileDeps(e, d) },
	}
}

// loadReconcileDeps migrates the shop's database (creating the data
// directory) and sets d's bill sources and fee rates from it.
func loadReconcileDeps(e *env, d *reconcile.Deps) {
	db, err := openShop(context.Background(), e.dataDir, false)
	if err != nil {
		return // the command reports the database problem itself
	}
	defer db.Close()
	_, clients, err := openChannels(context.Background(), db, e.dataDir, e.log)
	if err != nil {
		e.log.Warn("payment channels", "err", err)
		return
	}
	d.Sources = billSources(clients) // accounting.go: the acquirer's too
	if d.Config, err = reconcile.StoredConfig(context.Background(), db); err != nil {
		e.log.Warn("fee rates", "err", err) // the default rates still reconcile
	}
}

func runReconcile(e *env, args []string) int {
	return reconcile.RunReconcile(args, e.stdout, e.stderr, reconcileDeps(e))
}

// runBills is `zhanggui bills import --provider P FILE`.
func runBills(e *env, args []string) int {
	if len(args) == 0 || args[0] != "import" {
		return e.usageError("the only subcommand is import")
	}
	return reconcile.RunBillsImport(args[1:], e.stdout, e.stderr, reconcileDeps(e))
}

func runResolve(e *env, args []string) int {
	return reconcile.RunResolve(args, e.stdout, e.stderr, reconcileDeps(e))
}
