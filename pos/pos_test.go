package pos_test

import (
	"errors"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
)

var (
	cola  = pos.Product{ID: 1, Barcode: "6901234567892", Name: "可口可乐 330ml", Unit: "瓶", Price: 300, Active: true}
	chips = pos.Product{ID: 2, Barcode: "6902345678903", Name: "乐事薯片 70g", Unit: "袋", Price: 750, MemberPrice: 650, Active: true}
	apple = pos.Product{ID: 3, Barcode: "2000001000007", Name: "红富士苹果", Unit: "kg", Price: 1290, ByWeight: true, Active: true}
	at    = time.Date(2026, 11, 25, 3, 4, 5, 0, time.UTC)
)

func TestParseQty(t *testing.T) {
	tests := []struct {
		in   string
		want pos.Qty
		ok   bool
	}{
		{"3", 3000, true}, {"0.356", 356, true}, {"1.5", 1500, true}, {" 2 ", 2000, true},
		{"0", 0, false}, {"-1", 0, false}, {"1.2345", 0, false}, {"abc", 0, false}, {"", 0, false},
		{"99999", 99_999_000, true}, {"100000", 0, false}, {"1e3", 0, false},
	}
	for _, tt := range tests {
		got, err := pos.ParseQty(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseQty(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, pos.ErrBadQty) {
			t.Errorf("ParseQty(%q) error %v is not ErrBadQty", tt.in, err)
		}
	}
	if s := pos.Qty(356).String(); s != "0.356" {
		t.Errorf("String = %q", s)
	}
	if s := pos.Qty(3000).String(); s != "3" {
		t.Errorf("String = %q", s)
	}
}

func FuzzParseQty(f *testing.F) {
	for _, s := range []string{"3", "0.356", "1.5", "", "-1", "99999.999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := pos.ParseQty(s)
		if err != nil {
			return
		}
		if q <= 0 || q > pos.MaxQty {
			t.Fatalf("ParseQty(%q) = %d out of range", s, q)
		}
		if again, err := pos.ParseQty(q.String()); err != nil || again != q {
			t.Fatalf("round trip %q → %v → %v, %v", s, q, again, err)
		}
	})
}

var barcodeTests = []struct {
	in   string
	want string
	kind pos.BarcodeKind
}{
	{"6901234567892", "6901234567892", pos.BarcodeEAN13},
	{"6901234567893", "", pos.BarcodeInvalid}, // wrong check digit
	{"96385074", "96385074", pos.BarcodeEAN8},
	{"036000291452", "036000291452", pos.BarcodeUPCA},
	{" abc-12 ", "ABC-12", pos.BarcodeInternal},
	{"可乐", "", pos.BarcodeInvalid},
	{"", "", pos.BarcodeInvalid},
}

func TestParseBarcode(t *testing.T) {
	for _, tt := range barcodeTests {
		got, kind, err := pos.ParseBarcode(tt.in)
		if got != tt.want || kind != tt.kind || (err == nil) != (kind != pos.BarcodeInvalid) {
			t.Errorf("ParseBarcode(%q) = %q, %v, %v; want %q, %v", tt.in, got, kind, err, tt.want, tt.kind)
		}
	}
}

func FuzzParseBarcode(f *testing.F) {
	for _, tt := range barcodeTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, kind, err := pos.ParseBarcode(s)
		if err != nil {
			return
		}
		again, kind2, err := pos.ParseBarcode(got)
		if err != nil || again != got || kind2 != kind {
			t.Fatalf("not idempotent: %q → %q → %q, %v", s, got, again, err)
		}
	})
}

func TestCatalogSearch(t *testing.T) {
	p := func(pr pos.Product, py, ini string) pos.Product { pr.Pinyin, pr.Initials = py, ini; return pr }
	c := pos.NewCatalog([]pos.Product{
		p(cola, "kekoukele330ml", "kkkl330ml"), p(chips, "leshishupian70g", "lssp70g"), p(apple, "hongfushipingguo", "hfspg"),
	})
	for _, tt := range []struct{ q, want string }{
		{"kkl", "可口可乐 330ml"}, {"KKKL", "可口可乐 330ml"}, {"kekou", "可口可乐 330ml"}, {"薯片", "乐事薯片 70g"},
		{"pingguo", "红富士苹果"}, {"69023", "乐事薯片 70g"},
	} {
		got := c.Search(tt.q, 10)
		if len(got) != 1 || got[0].Name != tt.want {
			t.Errorf("Search(%q) = %v, want %s", tt.q, got, tt.want)
		}
	}
	if _, err := c.ByBarcode("6909999999996"); !errors.Is(err, pos.ErrUnknownItem) {
		t.Errorf("unknown barcode: %v", err)
	}
}

func TestCartTotals(t *testing.T) {
	var c pos.Cart
	must(t, c.Add(cola, pos.OnePiece))
	must(t, c.Add(cola, pos.OnePiece)) // same item: same line
	must(t, c.Add(chips, pos.OnePiece))
	must(t, c.Add(apple, 356)) // 0.356 kg × 12.90 = 4.5924 → 4.59
	if len(c.Lines) != 3 || c.Lines[0].Qty != 2000 {
		t.Fatalf("lines = %+v", c.Lines)
	}
	tot := c.Totals()
	if tot.Subtotal != 600+750+459 || tot.Total != tot.Subtotal || tot.Items != 4 {
		t.Fatalf("totals = %+v", tot)
	}
	must(t, c.SetLineDiscount(1, pos.Discount{Percent: 2000})) // 20% off 7.50 = 1.50
	must(t, c.SetDiscount(pos.Discount{Amount: 100}))
	tot = c.Totals()
	if tot.Discount != 150+100 || tot.Total != 1809-250 {
		t.Fatalf("after discounts = %+v", tot)
	}
	var shares money.Fen
	for _, l := range tot.Lines {
		shares += l.OrderShare
	}
	if shares != 100 {
		t.Errorf("order discount spread %v, want 100", shares)
	}
	c.Member = true
	if got := c.Totals().Subtotal; got != 600+650+459 {
		t.Errorf("member subtotal %v", got)
	}
	if err := c.Add(cola, 500); !errors.Is(err, pos.ErrWholeQtyNeeded) {
		t.Errorf("half a bottle: %v", err)
	}
	must(t, c.Step(0, -pos.OnePiece))
	must(t, c.Step(0, -pos.OnePiece))
	if len(c.Lines) != 2 {
		t.Errorf("step to zero should remove the line: %+v", c.Lines)
	}
}

func TestCheckoutLedger(t *testing.T) {
	for _, rule := range []pos.RoundingRule{pos.RoundNone, pos.RoundJiao, pos.RoundYuan} {
		var c pos.Cart
		must(t, c.Add(cola, 3000))
		must(t, c.Add(apple, 356))
		must(t, c.SetDiscount(pos.Discount{Percent: 500}))
		due, rounding := c.Due(rule, true)
		td, err := pos.CashTender(due, 5000)
		must(t, err)
		s, err := c.Checkout(pos.Checkout{ID: "s1", No: "01-01-20261125-0001", EntryID: "e1", At: at,
			Rounding: rounding, Tenders: []pos.Tender{td}})
		must(t, err)
		bal := ledger.Balances([]ledger.Entry{s.Entry})
		if bal[ledger.Cash] != due || -bal[ledger.Revenue] != s.Subtotal || bal[ledger.Rounding] != rounding {
			t.Errorf("%s: balances %v, due %v", rule, bal, due)
		}
		if s.Change() != 5000-due {
			t.Errorf("%s: change %v", rule, s.Change())
		}
	}
}

func TestCheckoutSplitAndErrors(t *testing.T) {
	var c pos.Cart
	if _, err := c.Checkout(pos.Checkout{ID: "s", No: "n", At: at}); !errors.Is(err, pos.ErrEmptyCart) {
		t.Errorf("empty: %v", err)
	}
	must(t, c.Add(chips, 2000))
	_, err := c.Checkout(pos.Checkout{ID: "s", No: "n", EntryID: "e", At: at,
		Tenders: []pos.Tender{{Kind: pos.TenderCash, Amount: 1000}}})
	if !errors.Is(err, pos.ErrUnderpaid) {
		t.Errorf("underpaid: %v", err)
	}
	s, err := c.Checkout(pos.Checkout{ID: "s", No: "n", EntryID: "e", At: at,
		Tenders: []pos.Tender{{Kind: pos.TenderCash, Amount: 1000}, {Kind: pos.TenderAlipay, Amount: 500}}})
	must(t, err)
	bal := ledger.Balances([]ledger.Entry{s.Entry})
	if bal[ledger.Cash] != 1000 || bal[ledger.AlipayClearing] != 500 {
		t.Errorf("split balances %v", bal)
	}
	if _, err := pos.CashTender(1000, 999); !errors.Is(err, pos.ErrUnderpaid) {
		t.Errorf("cash short: %v", err)
	}
}

func TestSettingsValidate(t *testing.T) {
	s := pos.DefaultSettings()
	must(t, s.Validate())
	s.PaperWidth = 60
	if pos.ErrorCode(s.Validate()) != pos.CodeInvalid {
		t.Error("paper width 60 accepted")
	}
	s = pos.DefaultSettings()
	s.PrinterKind = "tcp"
	if s.Validate() == nil {
		t.Error("tcp printer without target accepted")
	}
}

func TestSaleNoAndDay(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	late := time.Date(2026, 11, 25, 16, 30, 0, 0, time.UTC) // 00:30 on the 26th in Beijing
	day := pos.BusinessDay(late, loc)
	if got := pos.SaleNo("01", "02", day, 42); got != "01-02-20261126-0042" {
		t.Errorf("SaleNo = %s", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCheckoutRefusesBadTenders(t *testing.T) {
	var c pos.Cart
	must(t, c.Add(cola, pos.OnePiece)) // 3.00
	for _, tenders := range [][]pos.Tender{
		{{Kind: pos.TenderCash, Amount: -100}, {Kind: pos.TenderAlipay, Amount: 400}},
		{{Kind: pos.TenderCash, Amount: 300, Received: 500, Change: 100}},
	} {
		if _, err := c.Checkout(pos.Checkout{ID: "s", No: "n", EntryID: "e", At: at, Tenders: tenders}); pos.ErrorCode(err) != pos.CodeInvalid {
			t.Errorf("tenders %+v: %v", tenders, err)
		}
	}
}
