package storage_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

func TestOpenCreatesPrivateFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new shop #1?.db") // characters URIs reserve
	db, err := storage.Open(path)
	must(t, err)
	defer db.Close()
	must(t, db.SaveCart(ctx, &pos.Cart{ID: "c1"}, false)) // makes SQLite write the WAL
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		must(t, err)
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s has mode %o, want 600", filepath.Base(p), got)
		}
	}
}

func TestOpenSeedsAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "z.db")
	db, err := storage.Open(path)
	must(t, err)
	staff, err := db.Staff(ctx)
	must(t, err)
	want := []pos.Staff{{ID: 1, Name: "店主", Role: pos.RoleOwner, Active: true}, {ID: 2, Name: "收银员", Role: pos.RoleCashier, Active: true}}
	if len(staff) != 2 || staff[0] != want[0] || staff[1] != want[1] {
		t.Errorf("Staff = %+v, want %+v", staff, want)
	}
	must(t, db.Close())

	db, err = storage.Open(path) // migrations already applied: nothing to do, no second seed
	must(t, err)
	defer db.Close()
	if staff, err = db.Staff(ctx); err != nil || len(staff) != 2 {
		t.Errorf("after reopening, Staff = %+v, %v; want the 2 seeded", staff, err)
	}
	files, err := filepath.Glob("migrations/*.sql")
	must(t, err)
	raw := rawDB(t, path)
	if got := count(t, raw, "schema_migrations"); got != len(files) {
		t.Errorf("schema_migrations has %d rows, want one per migration file (%d)", got, len(files))
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "z.db")
	db, err := storage.Open(path)
	must(t, err)
	must(t, db.Close())
	raw := rawDB(t, path)
	_, err = raw.Exec(`INSERT INTO schema_migrations VALUES (9999, 'from_the_future', '2030-01-01T00:00:00Z')`)
	must(t, err)
	must(t, raw.Close())

	before := readFile(t, path)
	_, err = storage.Open(path)
	if !errors.Is(err, storage.ErrNewerSchema) || pos.ErrorCode(err) != pos.CodeInvalid {
		t.Fatalf("Open(newer) = %v, want ErrNewerSchema with CodeInvalid", err)
	}
	if !strings.Contains(err.Error(), "newer version of 掌柜") || !strings.Contains(err.Error(), "9999") {
		t.Errorf("error %q should say a newer 掌柜 wrote the file, and which migration", err)
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("Open changed a database it refused")
	}
}

// TestOpenRefusesCorrupt: a damaged file, or one that is not ours, is
// refused with ErrCorrupt and left byte for byte as it was.
func TestOpenRefusesCorrupt(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 8192)
	for i := range garbage {
		garbage[i] = byte(rnd.Uint32())
	}
	for _, tt := range []struct {
		name string
		make func(t *testing.T, path string)
	}{
		{"garbage", func(t *testing.T, path string) { writeFile(t, path, garbage) }},
		{"text", func(t *testing.T, path string) { writeFile(t, path, []byte("店名,条码\n")) }},
		{"header then garbage", func(t *testing.T, path string) {
			writeFile(t, path, append([]byte("SQLite format 3\x00"), garbage...))
		}},
		{"truncated header", func(t *testing.T, path string) { writeFile(t, path, []byte("SQLite format 3\x00\x10")) }},
		{"damaged page", makeDamaged},
		{"another program's database", func(t *testing.T, path string) {
			raw := rawDB(t, path)
			_, err := raw.Exec(`CREATE TABLE notes (body TEXT)`)
			must(t, err)
			must(t, raw.Close())
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "z.db")
			tt.make(t, path)
			before := readFile(t, path)
			db, err := storage.Open(path)
			if err == nil {
				db.Close()
				t.Fatal("Open accepted a corrupt file")
			}
			t.Logf("Open: %v", err)
			if !errors.Is(err, storage.ErrCorrupt) {
				t.Errorf("Open = %v, want ErrCorrupt", err)
			}
			if !bytes.Equal(readFile(t, path), before) {
				t.Error("Open changed the file it refused")
			}
			if _, err := os.Stat(path + "-wal"); err == nil {
				t.Error("Open left a -wal file beside the file it refused")
			}
		})
	}
}

// makeDamaged writes a real database with some products, then overwrites
// one of its table pages with noise.
func makeDamaged(t *testing.T, path string) {
	db, err := storage.Open(path)
	must(t, err)
	must(t, db.ImportProducts(ctx, storagetest.Products(2000)))
	must(t, db.Close())
	b := readFile(t, path)
	const page = 4096
	if len(b) < 10*page {
		t.Fatalf("database of %d bytes is too small to damage", len(b))
	}
	at := len(b)/page/2*page + 100 // inside a page half way through the file
	for i := at; i < at+2000; i++ {
		b[i] = byte(i * 7)
	}
	writeFile(t, path, b)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	return b
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	must(t, os.WriteFile(path, b, 0o600))
}
