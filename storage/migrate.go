package storage

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrationFiles holds the schema, one NNNN_name.sql file per change. A
// shipped file is never edited: a change is a new file with the next number.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order of version.
func migrations() ([]migration, error) {
	files, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	ms := make([]migration, 0, len(files))
	seen := map[int]string{}
	for _, file := range files {
		m, err := readMigration(file)
		if err != nil {
			return nil, err
		}
		if other, dup := seen[m.version]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", other, file, m.version)
		}
		seen[m.version] = file
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// readMigration reads migrations/NNNN_name.sql.
func readMigration(file string) (migration, error) {
	num, name, ok := strings.Cut(strings.TrimSuffix(path.Base(file), ".sql"), "_")
	v, err := strconv.Atoi(num)
	if !ok || err != nil || v <= 0 || len(num) != 4 || name == "" {
		return migration{}, fmt.Errorf("migration file %s is not named NNNN_name.sql", file)
	}
	body, err := migrationFiles.ReadFile(file)
	if err != nil {
		return migration{}, err
	}
	return migration{version: v, name: name, sql: string(body)}, nil
}

const createMigrationsTable = `
CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at TEXT NOT NULL
) STRICT`

// migrate applies, in order, each embedded migration the database lacks,
// each in its own transaction with its row in schema_migrations.
func migrate(ctx context.Context, rw *sql.DB, now time.Time) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := rw.ExecContext(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("migrate: %w", classify(err))
	}
	if err := checkVersions(ctx, rw, ms); err != nil {
		return err
	}
	applied, err := appliedVersions(ctx, rw)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		if _, done := applied[m.version]; done {
			continue
		}
		if err := applyMigration(ctx, rw, m, now); err != nil {
			return fmt.Errorf("migrate %04d_%s: %w", m.version, m.name, err)
		}
	}
	return nil
}

// applyMigration runs one migration and records it, all or nothing.
func applyMigration(ctx context.Context, rw *sql.DB, m migration, now time.Time) error {
	t, err := rw.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	defer t.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	if _, err := t.ExecContext(ctx, m.sql); err != nil {
		return classify(err)
	}
	const q = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`
	if _, err := t.ExecContext(ctx, q, m.version, m.name, formatTime(now)); err != nil {
		return classify(err)
	}
	return classify(t.Commit())
}

// appliedVersions returns the migrations the database records, by version.
func appliedVersions(ctx context.Context, q querier) (map[int]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT version, name FROM schema_migrations`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	applied := map[int]string{}
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			return nil, classify(err)
		}
		applied[v] = name
	}
	return applied, classify(rows.Err())
}

// checkVersions refuses a database that records a migration this binary
// lacks (ErrNewerSchema) or that has tables but no schema_migrations: some
// other program's file (ErrCorrupt).
func checkVersions(ctx context.Context, q querier, ms []migration) error {
	tables, err := tableNames(ctx, q)
	if err != nil {
		return err
	}
	if !tables["schema_migrations"] {
		if len(tables) > 0 {
			return fmt.Errorf("%w: it has %d tables but no schema_migrations", ErrCorrupt, len(tables))
		}
		return nil
	}
	applied, err := appliedVersions(ctx, q)
	if err != nil {
		return err
	}
	known := map[int]bool{}
	for _, m := range ms {
		known[m.version] = true
	}
	for v, name := range applied {
		if !known[v] {
			return fmt.Errorf("%w: it records migration %04d_%s; this version has %d migrations",
				ErrNewerSchema, v, name, len(ms))
		}
	}
	return nil
}

// tableNames lists the tables of the main database.
func tableNames(ctx context.Context, q querier) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table'`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	names := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, classify(err)
		}
		names[name] = true
	}
	return names, classify(rows.Err())
}
