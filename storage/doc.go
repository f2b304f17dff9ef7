// Package storage keeps the till's data in one SQLite file
// (github.com/mattn/go-sqlite3, cgo): the catalogue, completed sales with
// their tenders, stock movements and journal entries, the sale in progress,
// settings and staff. It implements the repositories declared in pos
// (pos.ProductStore, pos.SaleStore, pos.CartStore, pos.SettingsStore).
//
// Every exported use case is one transaction: it begins, works through
// unexported functions taking the *tx (which carries the time fixed at
// BEGIN), and commits or rolls back before it returns. Writes go through one
// connection, so writers queue in Go instead of failing with SQLITE_BUSY;
// reads use a pool that cannot write.
//
// Money rows (sales, their lines and tenders, stock moves, journal entries
// and postings) are append-only, enforced by triggers; corrections are new
// records. Invariants are checked twice: pos validates a sale before it is
// saved, storage validates it again when it is read back.
//
// The schema is in embedded migrations (migrations/NNNN_name.sql), applied
// in order at Open. A file written by a newer 掌柜, or one that is damaged or
// not a 掌柜 database, is refused and never modified.
//
// This package must not contain domain rules (they belong in pos) nor import
// another adapter (sync/..., reports, hardware, app).
package storage
