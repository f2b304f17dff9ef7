package storage_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

func TestCartsSurviveReopen(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 3)
	current := &pos.Cart{ID: "c3", Member: true}
	must(t, current.Add(ps[0], 2*pos.OnePiece))
	must(t, current.Add(ps[4%3], pos.OnePiece))
	must(t, current.SetLineDiscount(1, pos.Discount{Percent: 1500}))
	must(t, current.SetDiscount(pos.Discount{Amount: 50}))
	held1 := &pos.Cart{ID: "c1", Note: "穿红衣服的阿姨"}
	must(t, held1.Add(ps[1], pos.OnePiece))
	held2 := &pos.Cart{ID: "c2", Note: "2号"}
	must(t, held2.Add(ps[2], pos.OnePiece))

	must(t, db.SaveCart(ctx, held1, false)) // first the current cart, then held
	must(t, db.SaveCart(ctx, held1, true))
	must(t, db.SaveCart(ctx, held2, true))
	must(t, db.SaveCart(ctx, current, false))

	path := db.Path()
	must(t, db.Close())
	db, err := storage.Open(path)
	must(t, err)
	defer db.Close()

	got, err := db.CurrentCart(ctx)
	must(t, err)
	if diff := cmp.Diff(current, got); diff != "" {
		t.Errorf("CurrentCart (-saved +read):\n%s", diff)
	}
	held, err := db.HeldCarts(ctx)
	must(t, err)
	if diff := cmp.Diff([]*pos.Cart{held1, held2}, held); diff != "" {
		t.Errorf("HeldCarts (-saved +read):\n%s", diff)
	}

	must(t, db.SaveCart(ctx, held1, false)) // recall a held sale: it becomes current
	if got, _ := db.CurrentCart(ctx); got == nil || got.ID != "c1" {
		t.Errorf("after recalling c1, CurrentCart = %+v", got)
	}
	must(t, db.DeleteCart(ctx, "c1"))
	must(t, db.DeleteCart(ctx, "c1")) // not there: not an error
	if got, _ := db.CurrentCart(ctx); got == nil || got.ID != "c3" {
		t.Errorf("after deleting c1, CurrentCart = %+v, want c3", got)
	}
	if err := db.SaveCart(ctx, &pos.Cart{}, false); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("SaveCart without an ID = %v, want CodeInvalid", err)
	}
}

func TestSettingsRoundTrip(t *testing.T) {
	db := storagetest.NewDB(t)
	got, err := db.Settings(ctx)
	must(t, err)
	if diff := cmp.Diff(pos.DefaultSettings(), got); diff != "" {
		t.Errorf("Settings of a new shop (-default +read):\n%s", diff)
	}
	s := pos.DefaultSettings()
	s.ShopName, s.Address, s.PrinterKind, s.PrinterTarget = "王姐便利店", "幸福路 8 号", "tcp", "192.168.1.50:9100"
	s.PaperWidth, s.CashRounding, s.LargeFont, s.TillCode = 80, pos.RoundJiao, true, "02"
	must(t, db.SaveSettings(ctx, s))
	got, err = db.Settings(ctx)
	must(t, err)
	if diff := cmp.Diff(s, got); diff != "" {
		t.Errorf("Settings (-saved +read):\n%s", diff)
	}
	bad := s
	bad.PaperWidth = 60
	if err := db.SaveSettings(ctx, bad); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("SaveSettings(paper 60) = %v, want CodeInvalid", err)
	}
	if got, _ := db.Settings(ctx); got != s {
		t.Errorf("a refused save changed the settings to %+v", got)
	}
}
