package pos_test

import (
	"testing"

	"zhanggui/pos"
)

var splitTests = []struct {
	in   string
	code string
	qty  pos.Qty
}{
	{"6901234567892", "6901234567892", 0},
	{"3*6901234567892", "6901234567892", 3000},
	{" 0.356 * 2100001000004 ", "2100001000004", 356},
	{"2×苹果", "苹果", 2000},
	{"x5", "x5", 0},           // nothing before the sign: a search for "x5"
	{"abc*def", "abc*def", 0}, // no quantity before the sign
	{"", "", 0},
}

func TestSplitQty(t *testing.T) {
	for _, tt := range splitTests {
		code, qty := pos.SplitQty(tt.in)
		if code != tt.code || qty != tt.qty {
			t.Errorf("SplitQty(%q) = %q, %v; want %q, %v", tt.in, code, qty, tt.code, tt.qty)
		}
	}
}

func FuzzSplitQty(f *testing.F) {
	for _, tt := range splitTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, qty := pos.SplitQty(s)
		if qty < 0 || qty > pos.MaxQty || len(code) > len(s) {
			t.Fatalf("SplitQty(%q) = %q, %v", s, code, qty)
		}
	})
}

func TestCheckEditable(t *testing.T) {
	if err := pos.CheckEditable(nil); err != nil {
		t.Errorf("no payments: %v", err)
	}
	paid := []pos.Payment{{State: pos.PaySucceeded, Amount: 100}}
	waiting := []pos.Payment{{State: pos.PayWaiting, Amount: 100}}
	failed := []pos.Payment{{State: pos.PayFailed, Amount: 100}}
	for _, ps := range [][]pos.Payment{paid, waiting} {
		if pos.CheckEditable(ps) != pos.ErrCartLocked {
			t.Errorf("%v: not locked", ps[0].State)
		}
	}
	if err := pos.CheckEditable(failed); err != nil {
		t.Errorf("a refused payment locks the cart: %v", err)
	}
}
