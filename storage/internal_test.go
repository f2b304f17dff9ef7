package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestPragmasReadBack checks the settings money depends on took, on the
// connections that serve the use cases.
func TestPragmasReadBack(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "z.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, tt := range []struct {
		pool   string
		pragma string
		want   string
	}{
		{"rw", "synchronous", "2"}, {"rw", "journal_mode", "wal"}, {"rw", "foreign_keys", "1"},
		{"rw", "busy_timeout", "5000"}, {"ro", "query_only", "1"}, {"ro", "busy_timeout", "5000"},
	} {
		pool := db.rw
		if tt.pool == "ro" {
			pool = db.ro
		}
		var got string
		if err := pool.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
			t.Fatalf("%s PRAGMA %s: %v", tt.pool, tt.pragma, err)
		}
		if got != tt.want {
			t.Errorf("%s PRAGMA %s = %s, want %s", tt.pool, tt.pragma, got, tt.want)
		}
	}
	if _, err := db.ro.ExecContext(ctx, `DELETE FROM carts`); err == nil {
		t.Error("the read pool deleted rows; it must be query_only")
	}
	if got, want := db.rw.Stats().MaxOpenConnections, 1; got != want {
		t.Errorf("write pool MaxOpenConnections = %d, want %d", got, want)
	}
}

func TestMigrationsEmbedded(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("migration %d has version %d: versions must run 1, 2, 3, ...", i, m.version)
		}
	}
	if len(ms) == 0 || ms[0].name != "init" {
		t.Fatalf("first migration = %+v, want 0001_init", ms)
	}
}

var searchKeyTests = []struct{ name, full, initials string }{
	{"可口可乐 330ml", "kekoukele330ml", "kkkl330ml"},
	{"乐事薯片 70g", "leshishupian70g", "lssp70g"},
	{"红富士苹果", "hongfushipingguo", "hfspg"},
	{"康师傅 红烧牛肉面", "kangshifuhongshaoniuroumian", "ksfhsnrm"},
	{"ＡＤ钙奶２２０ｍｌ", "adgainai220ml", "adgn220ml"}, // full-width letters and digits
	{"Coca-Cola (Zero)", "cocacolazero", "cocacolazero"},
	{"绿茶", "lvcha", "lc"},
	{"", "", ""},
}

func TestSearchKeys(t *testing.T) {
	for _, tt := range searchKeyTests {
		full, ini := searchKeys(tt.name)
		if full != tt.full || ini != tt.initials {
			t.Errorf("searchKeys(%q) = %q, %q; want %q, %q", tt.name, full, ini, tt.full, tt.initials)
		}
	}
}

// FuzzSearchKeys checks properties: keys are lower-case ASCII letters and
// digits, and the initials are never longer than the full pinyin.
func FuzzSearchKeys(f *testing.F) {
	for _, tt := range searchKeyTests {
		f.Add(tt.name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		full, ini := searchKeys(name)
		if len(ini) > len(full) {
			t.Fatalf("searchKeys(%q): initials %q longer than %q", name, ini, full)
		}
		if strings.Trim(full, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
			t.Fatalf("searchKeys(%q) = %q: not lower-case letters and digits", name, full)
		}
	})
}
