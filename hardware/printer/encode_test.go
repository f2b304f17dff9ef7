package printer

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"zhanggui/hardware/printer/escpostest"
)

// saleDoc is a typical sale: Chinese and ASCII names, a name that wraps, an
// emphasized total, a QR code, a cut and a drawer kick.
func saleDoc() Doc {
	return Doc{
		Shop:    "掌柜便利店",
		Address: "杭州市西湖区文三路 88 号",
		TaxNo:   "91330100MA2XXXXX0K",
		Title:   "销售小票",
		Meta: []Row{
			{Label: "单号", Value: "P01-20251125-0042"},
			{Label: "时间", Value: "2025-11-25 19:49"},
			{Label: "收银员", Value: "王芳"},
		},
		Lines: []Line{
			{Name: "可口可乐 330ml", Qty: "2", Price: "3.50", Amount: "7.00"},
			{Name: "农夫山泉", Qty: "1", Price: "2.00", Amount: "2.00"},
			{Name: "康师傅红烧牛肉面 经典五连包 超值装", Qty: "1", Price: "16.90", Amount: "16.90"},
		},
		Totals:     []Row{{Label: "小计", Value: "25.90"}, {Label: "合计", Value: "25.90", Bold: true}},
		Tenders:    []Row{{Label: "现金", Value: "50.00"}, {Label: "找零", Value: "24.10"}},
		Footer:     []string{"谢谢惠顾"},
		QR:         "https://fp.example.cn/i?n=P01-20251125-0042",
		Cut:        true,
		OpenDrawer: true,
	}
}

// decode encodes d and decodes the bytes back, failing the test on an error.
func decode(t testing.TB, d Doc, w Width) *escpostest.Receipt {
	t.Helper()
	b, err := Encode(d, w)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	r, err := escpostest.Decode(b)
	if err != nil {
		t.Fatalf("Decode(Encode(doc)): %v", err)
	}
	return r
}

// lineWith returns the first decoded line containing s.
func lineWith(t *testing.T, r *escpostest.Receipt, s string) escpostest.Line {
	t.Helper()
	for _, l := range r.Lines {
		if strings.Contains(l.Text, s) {
			return l
		}
	}
	t.Fatalf("no line contains %q in\n%s", s, r.Text())
	return escpostest.Line{}
}

func TestEncodeGolden(t *testing.T) {
	tests := []struct {
		w    Width
		want []string // the decoded lines, as the printer gets them
	}{
		{Paper58, []string{
			"掌柜便利店",
			"杭州市西湖区文三路 88 号",
			"税号：91330100MA2XXXXX0K",
			"销售小票",
			"--------------------------------",
			"单号           P01-20251125-0042",
			"时间            2025-11-25 19:49",
			"收银员                      王芳",
			"--------------------------------",
			"商品      数量     单价     金额",
			"可口可乐 330ml",
			"             2     3.50     7.00",
			"农夫山泉     1     2.00     2.00",
			"康师傅红烧牛肉面 经典五连包 超值",
			"装",
			"             1    16.90    16.90",
			"--------------------------------",
			"小计                       25.90",
			"合计                       25.90",
			"--------------------------------",
			"现金                       50.00",
			"找零                       24.10",
			"--------------------------------",
			"谢谢惠顾",
			"", // the QR code
		}},
		{Paper80, []string{
			"掌柜便利店",
			"杭州市西湖区文三路 88 号",
			"税号：91330100MA2XXXXX0K",
			"销售小票",
			"------------------------------------------------",
			"单号                           P01-20251125-0042",
			"时间                            2025-11-25 19:49",
			"收银员                                      王芳",
			"------------------------------------------------",
			"商品                  数量       单价       金额",
			"可口可乐 330ml           2       3.50       7.00",
			"农夫山泉                 1       2.00       2.00",
			"康师傅红烧牛肉面 经典五连包 超值装",
			"                         1      16.90      16.90",
			"------------------------------------------------",
			"小计                                       25.90",
			"合计                                       25.90",
			"------------------------------------------------",
			"现金                                       50.00",
			"找零                                       24.10",
			"------------------------------------------------",
			"谢谢惠顾",
			"",
		}},
	}
	for _, tt := range tests {
		r := decode(t, saleDoc(), tt.w)
		var got []string
		for _, l := range r.Lines {
			got = append(got, l.Text)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Encode(sale, %d mm) prints\n%s\nwant\n%s", tt.w, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
}

func TestEncodeCommands(t *testing.T) {
	d := saleDoc()
	r := decode(t, d, Paper58)
	var names []string
	for _, c := range r.Commands[:3] {
		names = append(names, c.Name)
	}
	if want := []string{"ESC @", "FS &", "ESC p"}; !slices.Equal(names, want) {
		t.Errorf("job starts with %q, want %q", names, want)
	}
	if got := r.Find("ESC p"); len(got) != 1 || !slices.Equal(got[0].Args, []byte{0, 25, 250}) {
		t.Errorf("drawer kicks = %+v, want one ESC p 0 25 250", got)
	}
	last := r.Commands[len(r.Commands)-1]
	if last.Name != "GS V" || !slices.Equal(last.Args, []byte{66, 0}) {
		t.Errorf("last command = %s % x, want GS V 66 0", last.Name, last.Args)
	}
	if got, want := r.QRs(), []string{d.QR}; !slices.Equal(got, want) {
		t.Errorf("QR codes = %q, want %q", got, want)
	}
	checkQRCommands(t, r)
}

// checkQRCommands checks the GS ( k sequence: model 2, a module size, level
// M, store, print, in that order.
func checkQRCommands(t *testing.T, r *escpostest.Receipt) {
	t.Helper()
	var fns []byte
	for _, c := range r.Find("GS ( k") {
		fns = append(fns, c.Args[1])
		switch c.Args[1] {
		case 65:
			if !slices.Equal(c.Data, []byte{50, 0}) {
				t.Errorf("QR model data = % x, want 32 00 (model 2)", c.Data)
			}
		case 67:
			if len(c.Data) != 1 || c.Data[0] < 1 || c.Data[0] > qrModuleMax {
				t.Errorf("QR module size data = % x, want 1–%d", c.Data, qrModuleMax)
			}
		case 69:
			if !slices.Equal(c.Data, []byte{49}) {
				t.Errorf("QR error correction data = % x, want 31 (M)", c.Data)
			}
		}
	}
	if want := []byte{65, 67, 69, 80, 81}; !slices.Equal(fns, want) {
		t.Errorf("QR functions = %v, want %v", fns, want)
	}
}

func TestEncodeStyles(t *testing.T) {
	r := decode(t, saleDoc(), Paper58)
	tests := []struct {
		has   string
		align byte
		bold  bool
		size  byte
	}{
		{"掌柜便利店", 1, true, 0x11},
		{"杭州市", 1, false, 0},
		{"销售小票", 1, true, 0},
		{"单号", 0, false, 0},
		{"可口可乐", 0, false, 0},
		{"小计", 0, false, 0},
		{"合计", 0, true, 0x01},
		{"谢谢惠顾", 1, false, 0},
	}
	for _, tt := range tests {
		l := lineWith(t, r, tt.has)
		if l.Align != tt.align || l.Bold != tt.bold || l.Size != tt.size {
			t.Errorf("line %q: align %d bold %v size %#02x, want align %d bold %v size %#02x",
				l.Text, l.Align, l.Bold, l.Size, tt.align, tt.bold, tt.size)
		}
	}
	if qr := r.Lines[len(r.Lines)-1]; qr.QR == "" || qr.Align != 1 {
		t.Errorf("last line = %+v, want a centred QR code", qr)
	}
}

// TestEncodeWidths checks every line fits the paper at its size, and that
// amounts end flush with the right edge.
func TestEncodeWidths(t *testing.T) {
	for _, w := range []Width{Paper58, Paper80} {
		r := decode(t, saleDoc(), w)
		for _, l := range r.Lines {
			if got := printedWidth(l); got > w.Columns() {
				t.Errorf("%d mm: line %q is %d columns, more than %d", w, l.Text, got, w.Columns())
			}
		}
		for _, amount := range []string{"7.00", "16.90", "P01-20251125-0042", "王芳", "24.10"} {
			l := lineWith(t, r, amount)
			if !strings.HasSuffix(l.Text, amount) || textWidth(l.Text) != w.Columns() {
				t.Errorf("%d mm: %q is not flush right in %q (%d columns)", w, amount, l.Text, textWidth(l.Text))
			}
		}
	}
}

// textWidth counts columns as a printer in Chinese mode does, independently
// of the package's own width.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x80 {
			n++
		}
	}
	return n
}

func printedWidth(l escpostest.Line) int {
	return textWidth(l.Text) * (int(l.Size>>4) + 1)
}

func TestEncodeGB18030(t *testing.T) {
	d := Doc{Lines: []Line{{Name: "可口可乐 330ml", Qty: "1", Price: "3.50", Amount: "3.50"}}}
	b, err := Encode(d, Paper80)
	if err != nil {
		t.Fatal(err)
	}
	// 可口可乐 in GB18030 (= GBK for these characters).
	if want := []byte{0xbf, 0xc9, 0xbf, 0xda, 0xbf, 0xc9, 0xc0, 0xd6, ' ', '3', '3', '0', 'm', 'l'}; !strings.Contains(string(b), string(want)) {
		t.Errorf("Encode bytes lack GB18030 % x:\n% x", want, b)
	}
	r, err := escpostest.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if l := lineWith(t, r, "可口可乐 330ml"); !strings.HasPrefix(l.Text, "可口可乐 330ml ") {
		t.Errorf("line = %q, want it to start with the name", l.Text)
	}
}

// TestEncodeInjection checks a name full of control bytes cannot add
// commands: no second drawer kick, no cut.
func TestEncodeInjection(t *testing.T) {
	d := Doc{Lines: []Line{{Name: "水\x1bp\x00\x19\xfa\x1dV\x42\x00\x10\x04\x01", Amount: "1.00"}}}
	r := decode(t, d, Paper58)
	for _, name := range []string{"ESC p", "GS V", "DLE EOT"} {
		if n := r.Count(name); n != 0 {
			t.Errorf("%s appears %d times, want 0", name, n)
		}
	}
	if l := lineWith(t, r, "水"); !strings.HasPrefix(l.Text, "水?p???") {
		t.Errorf("line = %q, want the controls as ?", l.Text)
	}
}

func TestEncodeNoCut(t *testing.T) {
	b, err := Encode(Doc{Footer: []string{"谢谢"}}, Paper58)
	if err != nil {
		t.Fatal(err)
	}
	r, err := escpostest.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if r.Count("GS V") != 0 || r.Count("ESC p") != 0 {
		t.Errorf("cut %d, drawer %d, want neither", r.Count("GS V"), r.Count("ESC p"))
	}
	if !strings.HasSuffix(string(b), "\n\n\n\n") {
		t.Errorf("job ends % x, want %d feeds for tearing", b[max(0, len(b)-6):], tearFeed)
	}
}

func TestEncodeTraining(t *testing.T) {
	d := saleDoc()
	d.Training = true
	r := decode(t, d, Paper58)
	var banners []int
	for i, l := range r.Lines {
		if l.Text == trainingBanner {
			banners = append(banners, i)
			if l.Align != 1 || !l.Bold || l.Size != 0x11 {
				t.Errorf("banner line %d = %+v, want centred, bold, double size", i, l)
			}
		}
	}
	if len(banners) != 2 || banners[0] != 1 || banners[1] != len(r.Lines)-2 {
		t.Errorf("banners at lines %v of %d, want second and second last", banners, len(r.Lines))
	}
}

func TestEncodeInvalid(t *testing.T) {
	tests := []struct {
		name string
		d    Doc
		w    Width
	}{
		{"no width", Doc{}, 0},
		{"57 mm", Doc{}, 57},
		{"QR too long", Doc{QR: strings.Repeat("a", QRMax+1)}, Paper80},
		{"QR with newline", Doc{QR: "https://x.cn/\n"}, Paper80},
		{"QR with DLE", Doc{QR: "a\x10\x04\x01"}, Paper80},
	}
	for _, tt := range tests {
		if _, err := Encode(tt.d, tt.w); !errors.Is(err, ErrInvalidDoc) {
			t.Errorf("%s: Encode err = %v, want ErrInvalidDoc", tt.name, err)
		}
		if got := EncodeText(tt.d, tt.w); !strings.HasPrefix(got, "printer: ") {
			t.Errorf("%s: EncodeText = %q, want the error", tt.name, got)
		}
	}
	if _, err := Encode(Doc{QR: strings.Repeat("a", QRMax)}, Paper58); err != nil {
		t.Errorf("Encode(QR of QRMax bytes) = %v, want it printed", err)
	}
}

// TestEncodeTextAgrees checks the preview shows the lines the printer
// prints, in the same order.
func TestEncodeTextAgrees(t *testing.T) {
	docs := map[string]Doc{
		"sale":     saleDoc(),
		"empty":    {},
		"training": {Training: true, Title: "培训", Footer: []string{"", "谢谢"}, QR: "x"},
	}
	for name, d := range docs {
		for _, w := range []Width{Paper58, Paper80} {
			checkTextAgrees(t, name, d, w)
		}
	}
}

func checkTextAgrees(t *testing.T, name string, d Doc, w Width) {
	t.Helper()
	r := decode(t, d, w)
	paper := r.Lines
	if !d.Cut { // the feeds for tearing are no part of the layout
		paper = paper[:len(paper)-tearFeed]
	}
	var preview []string
	if text := EncodeText(d, w); text != "" {
		preview = strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	}
	if len(preview) != len(paper) {
		t.Fatalf("%s, %d mm: preview has %d lines, paper %d:\n%s\n---\n%s", name, w, len(preview), len(r.Lines),
			EncodeText(d, w), r.Text())
	}
	for i, l := range paper {
		want := l.Text
		if l.QR != "" {
			want = qrPlaceholder
		}
		if got := strings.TrimLeft(preview[i], " "); got != strings.TrimLeft(want, " ") {
			t.Errorf("%s, %d mm, line %d: preview %q, paper %q", name, w, i, got, want)
		}
	}
}

func FuzzEncode(f *testing.F) {
	f.Add("可口可乐 330ml", "2", "3.50", "7.00", "合计", "25.90", "掌柜便利店", "https://x.cn/q", false)
	f.Add("康师傅红烧牛肉面 经典五连包 超值装", "1", "16.90", "16.90", "收银员", "王芳", "", "", true)
	f.Add("水\x1bp\x00\x19\xfa", "0.356", "¥1234567.89", "¥-0.01", "", "", "\xff\xfe", "a\x10", false)
	f.Add(strings.Repeat("Supercalifragilistic", 5), "", "", "", strings.Repeat("很长的标签", 20), "1", "🥤", "", true)
	f.Fuzz(func(t *testing.T, name, qty, price, amount, label, value, shop, qr string, wide bool) {
		w := Paper58
		if wide {
			w = Paper80
		}
		d := Doc{
			Shop: shop, Title: label, Footer: []string{value}, QR: qr, Cut: true,
			Lines:  []Line{{Name: name, Qty: qty, Price: price, Amount: amount}},
			Totals: []Row{{Label: label, Value: value, Bold: true}},
		}
		b, err := Encode(d, w)
		if err != nil {
			if !errors.Is(err, ErrInvalidDoc) || d.validate(w) == nil {
				t.Fatalf("Encode: %v", err)
			}
			return
		}
		r, err := escpostest.Decode(b)
		if err != nil {
			t.Fatalf("Decode(Encode(doc)): %v", err)
		}
		checkFuzzed(t, r, d, w)
	})
}

// checkFuzzed checks the receipt holds every field after '?' replacement,
// fits the paper, and has exactly the commands the Doc asked for.
func checkFuzzed(t *testing.T, r *escpostest.Receipt, d Doc, w Width) {
	t.Helper()
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	var all strings.Builder
	for _, l := range r.Lines {
		all.WriteString(l.Text)
		if got := printedWidth(l); got > w.Columns() {
			t.Errorf("line %q is %d columns, more than %d", l.Text, got, w.Columns())
		}
	}
	text := squash(all.String())
	for _, field := range []string{d.Lines[0].Name, d.Lines[0].Amount, d.Shop, d.Totals[0].Label, d.Totals[0].Value} {
		if want := squash(sanitize(field)); !strings.Contains(text, want) {
			t.Errorf("printed text lacks %q (from %q):\n%s", want, field, r.Text())
		}
	}
	if r.Count("GS V") != 1 || r.Count("ESC p") != 0 || r.Count("DLE EOT") != 0 {
		t.Errorf("commands: cut %d, drawer %d, status %d; want 1, 0, 0", r.Count("GS V"), r.Count("ESC p"), r.Count("DLE EOT"))
	}
	if d.QR != "" && !slices.Equal(r.QRs(), []string{d.QR}) {
		t.Errorf("QR codes = %q, want %q", r.QRs(), d.QR)
	}
}

func BenchmarkEncode(b *testing.B) {
	d := saleDoc()
	for i := range 20 { // a full basket
		d.Lines = append(d.Lines, Line{Name: "商品 Item " + strings.Repeat("长", i%12), Qty: "1", Price: "9.90", Amount: "9.90"})
	}
	for _, w := range []Width{Paper58, Paper80} {
		b.Run(map[Width]string{Paper58: "58mm", Paper80: "80mm"}[w], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Encode(d, w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncodeText(b *testing.B) {
	d := saleDoc()
	b.ReportAllocs()
	for b.Loop() {
		_ = EncodeText(d, Paper80)
	}
}
