package storage

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"zhanggui/pos"
)

// readConnsMax bounds the read pool: the till has a handful of screens
// reading at once, never dozens.
const readConnsMax = 4

// DB is the till's database: one write connection and a pool of read-only
// ones on the same file.
type DB struct {
	// Now is the clock; every transaction reads it once, at BEGIN. Tests
	// replace it. It must not be changed while the DB is in use.
	Now func() time.Time

	path string
	rw   *sql.DB // one connection: writers queue in Go, not in SQLite
	ro   *sql.DB // query_only: a read can never write by mistake
	loc  atomic.Pointer[time.Location]
	till atomic.Pointer[string] // store code + "-" + till code: audit events' Till

	keyMu   sync.Mutex         // guards tillKey, loaded on the first closure
	tillKey ed25519.PrivateKey // signs closures (audit_closure.go)
}

// Open opens the database at path, creating it (mode 0600) if it does not
// exist, and applies the migrations this binary has and the file lacks.
//
// An existing file is inspected read-only first: one that is not a SQLite
// database, fails PRAGMA quick_check or is not a 掌柜 database gives
// ErrCorrupt; one that records a migration this binary lacks gives
// ErrNewerSchema. In both cases the file is left exactly as it was.
func Open(path string) (*DB, error) {
	ctx := context.Background()
	created, err := createFile(path)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	if !created {
		if err := inspect(ctx, path, "quick_check"); err != nil {
			return nil, fmt.Errorf("storage: open %s: %w", path, err)
		}
	}
	db, err := openPools(path)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	if err := db.setUp(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("storage: open %s: %w", path, err), db.Close())
	}
	return db, nil
}

// createFile creates path with mode 0600 unless it exists, and reports
// whether it did. SQLite takes an empty file for a new database and gives
// the -wal and -shm files it makes the mode of the database file: a shop's
// takings are nobody else's business on a shared computer.
func createFile(path string) (bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, f.Close()
}

// fileURI makes a SQLite URI of path, escaping what URIs reserve ('?', '#',
// '%', spaces) so any shop folder name works.
func fileURI(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath()
}

// openPools opens the write connection and the read pool. Every setting is
// spelled out, because the defaults are wrong for money:
//
//	_journal_mode=WAL    readers never block the writer, nor it them.
//	_synchronous=FULL    fsync the WAL at every commit. WAL's usual NORMAL can
//	                     lose the last commits on power loss; a sale the screen
//	                     showed as done must survive that (DESIGN.md).
//	_foreign_keys=1      SQLite ignores foreign keys unless asked.
//	_busy_timeout=5000   wait up to 5 s for a lock instead of failing at once.
//	_txlock=immediate    take the write lock at BEGIN, so a read-then-write
//	                     transaction cannot fail half way with SQLITE_BUSY.
//	_stmt_cache_size=64  reuse prepared statements: a sale runs the same
//	                     dozen statements every time.
func openPools(path string) (*DB, error) {
	rw, err := sql.Open("sqlite3", fileURI(path)+"?_journal_mode=WAL&_synchronous=FULL"+
		"&_foreign_keys=1&_busy_timeout=5000&_txlock=immediate&_stmt_cache_size=64")
	if err != nil {
		return nil, err
	}
	rw.SetMaxOpenConns(1)
	// Reads: no _txlock (a read must not take the write lock); _query_only.
	ro, err := sql.Open("sqlite3", fileURI(path)+"?_foreign_keys=1&_busy_timeout=5000"+
		"&_query_only=1&_stmt_cache_size=64")
	if err != nil {
		return nil, errors.Join(err, rw.Close())
	}
	ro.SetMaxOpenConns(readConnsMax)
	return &DB{Now: time.Now, path: path, rw: rw, ro: ro}, nil
}

// setUp checks the settings took, migrates and loads the shop's time zone.
func (db *DB) setUp(ctx context.Context) error {
	if err := checkPragmas(ctx, db.rw, db.ro); err != nil {
		return err
	}
	if err := migrate(ctx, db.rw, db.Now().UTC()); err != nil {
		return err
	}
	s, err := db.Settings(ctx)
	if err != nil {
		return err
	}
	db.storeSettings(s)
	return nil
}

// storeSettings keeps what every transaction needs of the settings: the
// shop's zone and the till's name in the audit log.
func (db *DB) storeSettings(s pos.Settings) {
	db.loc.Store(s.Location())
	till := s.StoreCode + "-" + s.TillCode
	db.till.Store(&till)
}

// checkPragmas reads the settings back: one that did not take fails at
// startup, not after a power cut.
func checkPragmas(ctx context.Context, rw, ro *sql.DB) error {
	checks := []struct {
		db     *sql.DB
		pragma string
		want   string
	}{
		{rw, "synchronous", "2"}, // FULL
		{rw, "journal_mode", "wal"},
		{rw, "foreign_keys", "1"},
		{ro, "query_only", "1"},
		{ro, "foreign_keys", "1"},
	}
	for _, c := range checks {
		var got string
		if err := c.db.QueryRowContext(ctx, "PRAGMA "+c.pragma).Scan(&got); err != nil {
			return fmt.Errorf("read back PRAGMA %s: %w", c.pragma, classify(err))
		}
		if got != c.want {
			return fmt.Errorf("PRAGMA %s is %s, want %s", c.pragma, got, c.want)
		}
	}
	return nil
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Close closes both pools. The last connection to close checkpoints the WAL
// into the database file.
func (db *DB) Close() error {
	return errors.Join(db.ro.Close(), db.rw.Close())
}

// location returns the shop's time zone, as last saved in the settings.
func (db *DB) location() *time.Location {
	if loc := db.loc.Load(); loc != nil {
		return loc
	}
	return pos.DefaultSettings().Location()
}

// tx is a write transaction with the time fixed at BEGIN, so every row it
// writes carries the same now.
type tx struct {
	*sql.Tx
	now  time.Time
	till string // the till writing: what its audit events name
	db   *DB    // for the till key that signs closures
}

// begin starts a write transaction (BEGIN IMMEDIATE: it holds the write
// lock from the start).
func (db *DB) begin(ctx context.Context) (*tx, error) {
	t, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return nil, classify(err)
	}
	till := ""
	if p := db.till.Load(); p != nil {
		till = *p
	}
	return &tx{Tx: t, now: db.Now().UTC(), till: till, db: db}, nil
}

// read starts a read transaction on the read pool: every query in it sees
// the same snapshot, so a sale is never read half way through another's
// commit.
func (db *DB) read(ctx context.Context) (*sql.Tx, error) {
	t, err := db.ro.BeginTx(ctx, nil)
	return t, classify(err)
}

// querier is what read helpers need: a *sql.Tx, *sql.DB or *sql.Conn.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// timeLayout is RFC 3339 in UTC with a fixed nine fractional digits, so
// stored times sort as text ("…05.5Z" would sort before "…05Z").
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// dayLayout is a business day: the shop-local calendar date.
const dayLayout = "2006-01-02"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: bad stored time %q", ErrCorrupt, s)
	}
	return t.UTC(), nil
}

// boolInt stores a bool as STRICT tables want it.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
