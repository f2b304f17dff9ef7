package storage

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"zhanggui/pos"
)

// An unknown ID, a member without a PIN, a deactivated one and a wrong PIN
// each cost exactly one argon2 run, so the answer's time tells nothing.
func TestWrongPINCostsOneArgon2(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "zhanggui.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := NewStaffAuthParams(db, bytes.Repeat([]byte{7}, 32), PINParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	owner, err := a.SetFirstOwnerPIN(ctx, "284716")
	if err != nil {
		t.Fatal(err)
	}
	staff, _ := db.Staff(ctx)
	noPIN := staff[1].ID // 收银员 of a new database has no PIN
	cases := []struct {
		name string
		id   int64
		want error
	}{
		{"wrong PIN", owner.ID, pos.ErrWrongPIN},
		{"unknown id", 424242, pos.ErrWrongPIN},
		{"no PIN set", noPIN, pos.ErrWrongPIN},
	}
	for _, c := range cases {
		before := a.hash.runs.Load()
		_, err := a.Login(ctx, c.id, "907153")
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
		if n := a.hash.runs.Load() - before; n != 1 {
			t.Errorf("%s: %d argon2 runs, want 1", c.name, n)
		}
	}
}
