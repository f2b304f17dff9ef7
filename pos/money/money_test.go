package money_test

import (
	"math/rand/v2"
	"testing"

	"zhanggui/pos/money"
)

var parseTests = []struct {
	in   string
	want money.Fen
	ok   bool
}{
	{"12.3", 1230, true},
	{"12", 1200, true},
	{"0.05", 5, true},
	{"12.30", 1230, true},
	{"999999999.99", 99_999_999_999, true},
	{"1000000000", 0, false}, // above MaxFen
	{"12.345", 0, false},     // a third decimal is a bug upstream, not something to round
	{"-1", 0, false},         // refunds are their own records, never negative input
	{"1,000", 0, false},
	{"", 0, false},
	{".5", 0, false},
	{"5.", 0, false},
	{" 5", 0, false},
	{"1e3", 0, false},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		got, err := money.Parse(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := money.Parse(s)
		if err != nil {
			return
		}
		if got < 0 || got > money.MaxFen {
			t.Fatalf("Parse(%q) = %d, outside [0, MaxFen]", s, got)
		}
		if again, err := money.Parse(got.String()); err != nil || again != got {
			t.Fatalf("Parse(%q) = %v, but Parse(%q) = %v, %v", s, got, got.String(), again, err)
		}
	})
}

func TestString(t *testing.T) {
	for _, tt := range []struct {
		f    money.Fen
		s, y string
	}{
		{0, "0.00", "¥0.00"}, {5, "0.05", "¥0.05"}, {1230, "12.30", "¥12.30"}, {-5, "-0.05", "-¥0.05"},
	} {
		if got := tt.f.String(); got != tt.s {
			t.Errorf("%d.String() = %q, want %q", tt.f, got, tt.s)
		}
		if got := tt.f.Yuan(); got != tt.y {
			t.Errorf("%d.Yuan() = %q, want %q", tt.f, got, tt.y)
		}
	}
}

func TestMulQty(t *testing.T) {
	for _, tt := range []struct {
		price money.Fen
		qty   int64
		want  money.Fen
	}{
		{1280, 1000, 1280}, // one piece
		{1280, 3000, 3840}, // three
		{1990, 356, 708},   // 0.356 kg at ¥19.90 = 7.0844 → 7.08
		{1990, 357, 710},   // 7.1043 → 7.10
		{1000, 1005, 1005}, // exact
		{999, 1500, 1499},  // 14.985 → half up 14.99
		{1, 499, 0},        // 0.499 fen → 0
		{1, 500, 1},        // 0.5 fen → 1
		{money.MaxFen, 1000, money.MaxFen},
	} {
		if got := money.MulQty(tt.price, tt.qty); got != tt.want {
			t.Errorf("MulQty(%v, %d) = %v, want %v", tt.price, tt.qty, got, tt.want)
		}
	}
}

func TestPercentFloor(t *testing.T) {
	if got := money.Percent(999, 1000); got != 100 {
		t.Errorf("Percent(999, 10%%) = %v", got)
	}
	if got := money.Percent(1234, 10000); got != 1234 {
		t.Errorf("Percent(1234, 100%%) = %v", got)
	}
	if got := money.Floor(1237, money.Jiao); got != 1230 {
		t.Errorf("Floor jiao = %v", got)
	}
	if got := money.Floor(1299, money.Yuan); got != 1200 {
		t.Errorf("Floor yuan = %v", got)
	}
}

func TestAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 2000; n++ {
		k := 1 + r.IntN(8)
		weights := make([]money.Fen, k)
		var sum money.Fen
		for i := range weights {
			if r.IntN(4) > 0 {
				weights[i] = money.Fen(r.Int64N(1_000_000))
			}
			sum += weights[i]
		}
		if sum == 0 {
			continue
		}
		total := money.Fen(r.Int64N(int64(sum) + 1))
		parts := money.Allocate(total, weights)
		var got money.Fen
		for i, p := range parts {
			got += p
			if weights[i] == 0 && p != 0 {
				t.Fatalf("zero weight got %v", p)
			}
			exact := float64(total) * float64(weights[i]) / float64(sum) // test-only check
			if float64(p) < exact-1 || float64(p) > exact+1 {
				t.Fatalf("part %v not within one fen of %v", p, exact)
			}
		}
		if got != total {
			t.Fatalf("parts sum %v, want %v", got, total)
		}
	}
}
