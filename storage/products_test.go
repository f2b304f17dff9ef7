package storage_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

var cola = pos.Product{Barcode: "6901234567892", Name: " 可口可乐 330ml ", Category: "饮料", Unit: "瓶",
	Price: 300, MemberPrice: 280, Active: true, Stock: 24 * pos.OnePiece}

func TestSaveProductRoundTrip(t *testing.T) {
	db := storagetest.NewDB(t)
	got, err := db.SaveProduct(ctx, cola)
	must(t, err)
	want := cola
	want.ID, want.Name, want.Pinyin, want.Initials = got.ID, "可口可乐 330ml", "kekoukele330ml", "kkkl330ml"
	if got.ID == 0 || !cmp.Equal(got, want) {
		t.Fatalf("SaveProduct = %+v, want %+v; diff (-want +got):\n%s", got, want, cmp.Diff(want, got))
	}
	all, err := db.Products(ctx)
	must(t, err)
	if diff := cmp.Diff([]pos.Product{want}, all); diff != "" {
		t.Errorf("Products (-want +got):\n%s", diff)
	}

	// An update changes the product but not its stock: stock moves by moves only.
	upd := got
	upd.Name, upd.Price, upd.Stock, upd.Category = "零度可乐", 350, 999, "汽水"
	got2, err := db.SaveProduct(ctx, upd)
	must(t, err)
	if got2.Name != "零度可乐" || got2.Pinyin != "lingdukele" || got2.Price != 350 || got2.Stock != cola.Stock {
		t.Errorf("after update: %+v; want new name, pinyin and price, stock still %v", got2, cola.Stock)
	}
	cats, err := db.Categories(ctx)
	must(t, err)
	if diff := cmp.Diff([]string{"饮料", "汽水"}, cats); diff != "" {
		t.Errorf("Categories (-want +got):\n%s", diff)
	}
	p, err := db.Product(ctx, got.ID)
	if err != nil || p != got2 {
		t.Errorf("Product(%d) = %+v, %v; want %+v", got.ID, p, err, got2)
	}
}

func TestSaveProductNormalisesBarcode(t *testing.T) {
	db := storagetest.NewDB(t)
	p := pos.Product{Barcode: " abc-12 ", Name: "自制豆浆", Unit: "杯", Price: 200, Active: true}
	got, err := db.SaveProduct(ctx, p)
	must(t, err)
	if got.Barcode != "ABC-12" {
		t.Errorf("barcode stored as %q, want %q: the form a scan is looked up by", got.Barcode, "ABC-12")
	}
	if _, err := pos.NewCatalog([]pos.Product{got}).ByBarcode("abc-12"); err != nil {
		t.Errorf("catalog cannot find the stored product by its scanned code: %v", err)
	}
}

func TestSaveProductErrors(t *testing.T) {
	db := storagetest.NewDB(t)
	_, err := db.SaveProduct(ctx, cola)
	must(t, err)
	if _, err := db.SaveProduct(ctx, cola); pos.ErrorCode(err) != pos.CodeConflict {
		t.Errorf("duplicate barcode: %v, want CodeConflict", err)
	}
	bad := cola
	bad.Price = 0
	if _, err := db.SaveProduct(ctx, bad); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("price 0: %v, want CodeInvalid", err)
	}
	ghost := cola
	ghost.ID, ghost.Barcode = 999, "6902345678903"
	if _, err := db.SaveProduct(ctx, ghost); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("unknown ID: %v, want ErrNotFound", err)
	}
	if _, err := db.Product(ctx, 999); pos.ErrorCode(err) != pos.CodeNotFound {
		t.Errorf("Product(999): %v, want CodeNotFound", err)
	}
}

func TestImportProductsUpserts(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Products(50)
	must(t, db.ImportProducts(ctx, ps))
	first, err := db.Products(ctx)
	must(t, err)

	again := storagetest.Products(60) // 50 known barcodes, 10 new
	again[0].Name, again[0].Price, again[0].Stock = "新名字", 12345, 1
	must(t, db.ImportProducts(ctx, again))
	got, err := db.Products(ctx)
	must(t, err)
	if len(got) != 60 {
		t.Fatalf("%d products after the second import, want 60", len(got))
	}
	if got[0].ID != first[0].ID || got[0].Name != "新名字" || got[0].Pinyin != "xinmingzi" ||
		got[0].Price != 12345 || got[0].Stock != ps[0].Stock {
		t.Errorf("updated product = %+v; want same ID, new name and price, stock kept", got[0])
	}
	cats, err := db.Categories(ctx)
	must(t, err)
	if len(cats) != 6 {
		t.Errorf("Categories = %v, want the 6 distinct ones of the import", cats)
	}
	must(t, db.IntegrityCheck(ctx))
}

func TestImportProductsAllOrNothing(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Products(20)
	ps[17].Barcode = "6901234567893" // wrong check digit
	err := db.ImportProducts(ctx, ps)
	if pos.ErrorCode(err) != pos.CodeInvalid {
		t.Fatalf("import with a bad barcode: %v, want CodeInvalid", err)
	}
	got, err := db.Products(ctx)
	must(t, err)
	cats, err := db.Categories(ctx)
	must(t, err)
	if len(got) != 0 || len(cats) != 0 {
		t.Errorf("a failed import left %d products and %d categories", len(got), len(cats))
	}
}

func TestSyntheticProductsAreValid(t *testing.T) {
	for _, p := range storagetest.Products(1000) {
		if _, kind, err := pos.ParseBarcode(p.Barcode); err != nil || kind != pos.BarcodeEAN13 {
			t.Fatalf("synthetic barcode %s: %v, %v", p.Barcode, kind, err)
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("synthetic product: %v", err)
		}
	}
}
