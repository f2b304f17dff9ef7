package pos_test

import (
	"testing"

	"zhanggui/pos"
)

var discountTests = []struct {
	in   string
	want pos.Discount
	ok   bool
}{
	{"", pos.Discount{}, true},
	{"0", pos.Discount{}, true},
	{"10%", pos.Discount{Percent: 1000}, true},
	{"12.5%", pos.Discount{Percent: 1250}, true},
	{"100%", pos.Discount{Percent: 10000}, true},
	{"101%", pos.Discount{}, false},
	{"8.5折", pos.Discount{Percent: 1500}, true},
	{"85折", pos.Discount{Percent: 1500}, true},
	{"9折", pos.Discount{Percent: 1000}, true},
	{"10折", pos.Discount{}, false},
	{"5", pos.Discount{Amount: 500}, true},
	{"5.50", pos.Discount{Amount: 550}, true},
	{"-5", pos.Discount{}, false},
	{"abc", pos.Discount{}, false},
	{"%", pos.Discount{}, false},
}

func TestParseDiscount(t *testing.T) {
	for _, tt := range discountTests {
		got, err := pos.ParseDiscount(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDiscount(%q) = %+v, %v; want %+v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if s := (pos.Discount{Percent: 1250}).String(); s != "12.5%" {
		t.Errorf("String = %q", s)
	}
}

func FuzzParseDiscount(f *testing.F) {
	for _, tt := range discountTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := pos.ParseDiscount(s)
		if err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("ParseDiscount(%q) = %+v, invalid: %v", s, d, err)
		}
		if again, err := pos.ParseDiscount(d.String()); err != nil || again != d {
			t.Fatalf("round trip %q → %+v → %q → %+v, %v", s, d, d.String(), again, err)
		}
	})
}
