package storage_test

import (
	"context"
	"database/sql"
	"testing"

	"zhanggui/pos"
	"zhanggui/storage"
)

// Each *DB satisfies the repositories pos declares.
var (
	_ pos.ProductStore  = (*storage.DB)(nil)
	_ pos.SaleStore     = (*storage.DB)(nil)
	_ pos.CartStore     = (*storage.DB)(nil)
	_ pos.SettingsStore = (*storage.DB)(nil)
)

var ctx = context.Background()

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// rawDB opens the file with no settings of ours, as a hand-edit in the
// sqlite3 shell would.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite3", path)
	must(t, err)
	t.Cleanup(func() { raw.Close() })
	return raw
}

// count returns SELECT count(*) FROM table.
func count(t testing.TB, raw *sql.DB, table string) int {
	t.Helper()
	var n int
	must(t, raw.QueryRow(`SELECT count(*) FROM `+table).Scan(&n))
	return n
}
