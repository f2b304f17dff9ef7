package alipay

import (
	"testing"

	"zhanggui/pos/money"
)

var yuanTests = []struct {
	fen  money.Fen
	yuan string
	ok   bool
}{
	{1, "0.01", true},
	{10, "0.10", true},
	{100, "1.00", true},
	{8888, "88.88", true},
	{123456789, "1234567.89", true},
	{maxAmount, "100000000.00", true},
	{maxAmount + 1, "", false}, // above Alipay's limit
	{0, "", false},
	{-1, "", false},
}

func TestYuanString(t *testing.T) {
	for _, tt := range yuanTests {
		got, err := yuanString(tt.fen)
		if got != tt.yuan || (err == nil) != tt.ok {
			t.Errorf("yuanString(%d) = %q, %v; want %q, ok %v", tt.fen, got, err, tt.yuan, tt.ok)
		}
	}
}

var parseYuanTests = []struct {
	in   string
	want money.Fen
	ok   bool
}{
	{"88.88", 8888, true},
	{"88.8", 8880, true},
	{"88", 8800, true},
	{"0.01", 1, true},
	{"0.00", 0, true},
	{"100000000.00", maxAmount, true},
	{"", 0, false},
	{"-1.00", 0, false},
	{"88.888", 0, false}, // a third decimal is never rounded
	{"1e2", 0, false},
	{" 1.00", 0, false},
	{"1,000.00", 0, false},
	{"８８.００", 0, false}, // full-width digits
	{"88.", 0, false},
}

func TestParseYuan(t *testing.T) {
	for _, tt := range parseYuanTests {
		got, err := parseYuan(amountText(tt.in))
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("parseYuan(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// FuzzParseYuan: whatever parses formats back to an equal amount, so no
// amount changes on its way through the till.
func FuzzParseYuan(f *testing.F) {
	for _, tt := range parseYuanTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := parseYuan(amountText(s))
		if err != nil {
			return
		}
		if fen < 1 || fen > maxAmount {
			return
		}
		y, err := yuanString(fen)
		if err != nil {
			t.Fatalf("yuanString(%d): %v", fen, err)
		}
		if back, err := parseYuan(amountText(y)); err != nil || back != fen {
			t.Fatalf("%q → %d → %q → %d, %v", s, fen, y, back, err)
		}
	})
}

func TestMaskBuyer(t *testing.T) {
	tests := []struct{ in, want string }{
		{"159****5620", "159****5620"},
		{"15912345620", "159****5620"},
		{"zhang@example.com", "z***@example.com"},
		{"张三@qq.com", "张***@qq.com"},
		{"@x.com", "***@x.com"},
		{"abc", "****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := maskBuyer(tt.in); got != tt.want {
			t.Errorf("maskBuyer(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSubject(t *testing.T) {
	tests := []struct{ in, want string }{
		{"可乐 x2", "可乐 x2"},
		{"a/b=c&d", "a b c d"},
		{"  ", "掌柜收银"},
		{"line\nbreak", "line break"},
	}
	for _, tt := range tests {
		if got := subject(tt.in); got != tt.want {
			t.Errorf("subject(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
