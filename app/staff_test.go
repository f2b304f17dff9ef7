package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"zhanggui/assets"
)

// The demo shop opens with its staff, each logging in with the PIN its
// login screen shows, and the pepper in pepper.key beside the database,
// private to the owner.
func TestDemoStaffLogIn(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := openShop(ctx, dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d, err := staffDeps(ctx, db, dir, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.DemoPINs) != len(assets.DemoStaff) {
		t.Fatalf("demo PINs %v", d.DemoPINs)
	}
	all, err := d.Service.Staff(ctx)
	if err != nil || len(all) != len(assets.DemoStaff) {
		t.Fatalf("staff %+v %v", all, err)
	}
	for _, s := range all {
		got, err := d.Service.Login(ctx, s.ID, d.DemoPINs[s.Name])
		if err != nil || got.ID != s.ID {
			t.Errorf("%s logs in with the demo PIN: %v", s.Name, err)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, pepperFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("pepper.key: %v %v", fi, err)
	}
	if again, err := staffDeps(ctx, db, dir, st); err != nil || len(again.DemoPINs) != len(assets.DemoStaff) {
		t.Errorf("second start: %v", err)
	}
}
