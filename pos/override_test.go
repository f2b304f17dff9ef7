package pos_test

import (
	"errors"
	"testing"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

var overrideCases = []struct {
	in     string
	member bool
	want   money.Fen // 0: refused
}{
	{"5", false, 500}, {"12.5", false, 1250}, {" ¥2.80 ", false, 280}, {"￥1", false, 100},
	{"750", false, 75000}, {"750.01", false, 0}, // chips: at most 100 × 7.50
	{"650", true, 65000}, {"650.01", true, 0}, // member: 100 × the member price 6.50
	{"0", false, 0}, {"0.00", false, 0}, {"-3", false, 0}, {"abc", false, 0}, {"", false, 0},
	{"3,50", false, 0}, {"1e3", false, 0}, {"2.345", false, 0},
}

func TestParseOverride(t *testing.T) {
	var c pos.Cart
	must(t, c.Add(chips, pos.OnePiece))
	for _, tc := range overrideCases {
		got, err := pos.ParseOverride(tc.in, c.Lines[0], tc.member)
		if tc.want == 0 {
			if !errors.Is(err, pos.ErrBadPrice) {
				t.Errorf("%q: %v, %v; want ErrBadPrice", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q (member %v): %v, %v; want %v", tc.in, tc.member, got, err, tc.want)
		}
	}
}

func FuzzParseOverride(f *testing.F) {
	for _, tc := range overrideCases {
		f.Add(tc.in, tc.member)
	}
	var c pos.Cart
	if err := c.Add(chips, pos.OnePiece); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string, member bool) {
		p, err := pos.ParseOverride(in, c.Lines[0], member)
		if err != nil {
			return
		}
		if p <= 0 || p > c.Lines[0].CataloguePrice(member)*pos.MaxOverrideFactor {
			t.Fatalf("%q accepted as %v", in, p)
		}
	})
}

func TestOverridePriceKeepsOldPrice(t *testing.T) {
	var c pos.Cart
	must(t, c.Add(chips, 2*pos.OnePiece))
	must(t, c.Add(cola, pos.OnePiece))
	o, err := c.OverridePrice(0, 500)
	must(t, err)
	if o.OldPrice != 750 || o.NewPrice != 500 || o.Name != chips.Name {
		t.Errorf("override %+v", o)
	}
	tl := c.Totals()
	if l := tl.Lines[0]; l.UnitPrice != 500 || l.OldPrice != 750 || l.Gross != 1000 || l.Price != 750 {
		t.Errorf("line %+v", l)
	}
	if tl.Lines[1].OldPrice != 0 || tl.Total != 1300 {
		t.Errorf("totals %+v", tl)
	}
	c.Member = true // the member price does not undo a price set by hand
	if l := c.Totals().Lines[0]; l.UnitPrice != 500 || l.OldPrice != 650 {
		t.Errorf("member line %+v", l)
	}
	must(t, c.Add(chips, pos.OnePiece)) // a new line: the override is that line's alone
	if len(c.Lines) != 3 || c.Lines[2].Override != 0 {
		t.Errorf("lines %+v", c.Lines)
	}
	s, err := c.Checkout(pos.Checkout{ID: "s1", No: "01-01-20261125-0001", EntryID: "e1", At: at,
		Tenders: []pos.Tender{{Kind: pos.TenderWechat, Amount: c.Totals().Total, PaymentID: "p1"}}})
	must(t, err)
	if s.Lines[0].OldPrice != 650 || s.Lines[0].UnitPrice != 500 || s.Lines[1].OldPrice != 0 {
		t.Errorf("sale lines %+v", s.Lines)
	}
	if _, err := c.OverridePrice(0, 650); err != nil || c.Lines[0].Override != 0 {
		t.Errorf("back to the catalogue price: %v, %+v", err, c.Lines[0])
	}
}

func TestOverridePriceRefusesBadInput(t *testing.T) {
	var c pos.Cart
	must(t, c.Add(cola, pos.OnePiece))
	for _, p := range []money.Fen{0, -1, 30001, money.MaxFen + 1} {
		if _, err := c.OverridePrice(0, p); !errors.Is(err, pos.ErrBadPrice) {
			t.Errorf("%v: %v", p, err)
		}
	}
	if _, err := c.OverridePrice(1, 100); !errors.Is(err, pos.ErrNoLine) {
		t.Errorf("no line: %v", err)
	}
	if c.Lines[0].Override != 0 || c.Totals().Total != 300 {
		t.Errorf("a refused override changed the line: %+v", c.Lines[0])
	}
}

// An override, or a quantity raised later, that would put a line or the cart
// above money.MaxFen is refused and changes nothing; Totals never panics.
func TestAmountsAboveMaxFenRefused(t *testing.T) {
	open := pos.Product{ID: 9, Barcode: "2000000000091", Name: "open", Price: 0, Active: true}
	gold := pos.Product{ID: 10, Barcode: "2000000000107", Name: "gold", Price: money.MaxFen / 100, Active: true}
	var c pos.Cart
	must(t, c.Add(open, 10*pos.OnePiece))
	must(t, c.Add(cola, pos.OnePiece))
	if _, err := c.OverridePrice(0, money.MaxFen/10+1); !errors.Is(err, pos.ErrAmountTooLarge) {
		t.Fatalf("10 × (MaxFen/10+1): %v", err)
	}
	if c.Lines[0].Override != 0 {
		t.Fatalf("a refused override changed the line: %+v", c.Lines[0])
	}
	if _, err := c.OverridePrice(0, money.MaxFen/10-10); !errors.Is(err, pos.ErrAmountTooLarge) {
		t.Fatalf("the cart (line 0 + cola) above MaxFen: %v", err)
	}
	_, err := c.OverridePrice(0, money.MaxFen/20)
	must(t, err)
	for name, raise := range map[string]func() error{
		"SetQty": func() error { return c.SetQty(0, 30*pos.OnePiece) },
		"Step":   func() error { return c.Step(0, 20*pos.OnePiece) },
		"Add":    func() error { return c.Add(gold, 60*pos.OnePiece) },
	} {
		if err := raise(); !errors.Is(err, pos.ErrAmountTooLarge) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(c.Lines) != 2 || c.Lines[0].Qty != 10*pos.OnePiece {
		t.Fatalf("a refused quantity changed the line: %+v", c.Lines[0])
	}
	if tot := c.Totals(); tot.Total != money.MaxFen/2+cola.Price {
		t.Fatalf("total %v", tot.Total)
	}
}
