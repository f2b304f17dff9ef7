package printer

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestSanitize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ascii", "Coca-Cola 330ml", "Coca-Cola 330ml"},
		{"chinese", "可口可乐 330ml", "可口可乐 330ml"},
		{"yen and euro", "¥3.50 €2", "¥3.50 €2"},
		{"escape sequence", "水\x1bp\x00\x19\xfa", "水?p???"},
		{"newline and tab", "a\nb\tc", "a?b?c"},
		{"del and C1", "a\x7fb\u0085c", "a?b?c"},
		{"invalid utf-8", "a\xffb\xe6\x9d", "a?b??"}, // one ? a byte
		{"replacement char", "a\ufffdb", "a?b"},
		{"private use", "a\ue000b\U000F0000c", "a?b?c"},
		{"emoji", "可乐🥤", "可乐🥤"},
		{"cjk extension b", "𠀀", "𠀀"},
	}
	for _, tt := range tests {
		if got := sanitize(tt.in); got != tt.want {
			t.Errorf("%s: sanitize(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// TestPrintableRoundTrip checks every Unicode code point: a rune printable
// lets through comes back unchanged from GB18030.
func TestPrintableRoundTrip(t *testing.T) {
	enc := simplifiedchinese.GB18030.NewEncoder()
	dec := simplifiedchinese.GB18030.NewDecoder()
	var src [4]byte
	var mid, back [8]byte
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) || !printable(r) {
			continue
		}
		n := utf8.EncodeRune(src[:], r)
		nm, _, err := enc.Transform(mid[:], src[:n], true)
		if err != nil {
			t.Fatalf("GB18030 cannot encode printable %U: %v", r, err)
		}
		nb, _, err := dec.Transform(back[:], mid[:nm], true)
		if got, _ := utf8.DecodeRune(back[:nb]); err != nil || got != r {
			t.Fatalf("%U → % x → %U (%v), want it back", r, mid[:nm], got, err)
		}
	}
}

func TestWidth(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"可口可乐", 8},
		{"可口可乐 330ml", 14},
		{"¥3.50", 6}, // the printer prints ¥ from its Chinese font
	}
	for _, tt := range tests {
		if got := width(tt.in); got != tt.want {
			t.Errorf("width(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cols int
		want []string
	}{
		{"empty", "", 10, []string{""}},
		{"fits", "可口可乐 330ml", 14, []string{"可口可乐 330ml"}},
		{"word moves down", "可口可乐 330ml", 12, []string{"可口可乐", "330ml"}},
		{"chinese breaks anywhere", "康师傅红烧牛肉面", 10, []string{"康师傅红烧", "牛肉面"}},
		{"wide char never split", "一二三", 5, []string{"一二", "三"}},
		{"long word splits", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"spaces at break dropped", "aa   bb", 3, []string{"aa", "bb"}},
		{"mixed", "Fresh 苹果 Apple 1kg", 8, []string{"Fresh 苹", "果 Apple", "1kg"}},
		{"char wider than line", "一", 1, []string{"一"}},
	}
	for _, tt := range tests {
		got := wrap(tt.in, tt.cols)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: wrap(%q, %d) = %q, want %q", tt.name, tt.in, tt.cols, got, tt.want)
		}
	}
}

func FuzzWrap(f *testing.F) {
	f.Add("可口可乐 330ml", 12)
	f.Add("abcdefghij", 4)
	f.Add("aa   bb", 3)
	f.Add("Fresh 苹果 Apple 1kg", 8)
	f.Fuzz(func(t *testing.T, s string, cols int) {
		if cols < 2 || cols > 100 {
			return
		}
		s = sanitize(s)
		lines := wrap(s, cols)
		for _, l := range lines {
			if width(l) > cols {
				t.Errorf("wrap(%q, %d): line %q is %d wide", s, cols, l, width(l))
			}
		}
		strip := func(s string) string { return strings.ReplaceAll(s, " ", "") }
		if got, want := strip(strings.Join(lines, "")), strip(s); got != want {
			t.Errorf("wrap(%q, %d) = %q: lost or changed characters", s, cols, lines)
		}
	})
}
