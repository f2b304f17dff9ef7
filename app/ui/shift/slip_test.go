package shift

import (
	"strings"
	"testing"
	"time"

	"zhanggui/app/ui/kit"
	"zhanggui/hardware/printer"
	"zhanggui/hardware/printer/escpostest"
	"zhanggui/pos"
)

// A closed shift's 交班单 in Chinese, on both paper widths: it encodes as
// GB18030 ESC/POS, every line fits the paper, the audit head prints as
// text and as the QR, and the blind copy leaves the expected cash out.
func TestSlipOnPaper(t *testing.T) {
	kit.SetLanguage("zh")
	at := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	sh := pos.Shift{No: 7, Cashier: "李收银", OpenedAt: at, ClosedAt: at.Add(8 * time.Hour), ClosedBy: "李收银",
		State: pos.ShiftClosed, Float: pos.Count{10000: 2}, Counted: pos.Count{10000: 3, 1000: 2, 50: 1},
		Expected: 32100, OverShort: -50, Recounts: 1, Reason: "找错零"}
	f := pos.ShiftFigures{Float: 20000, Sales: 12, Discounts: 300, PaidOut: 1250, Voids: 1, DrawerOpens: 2, Reprints: 1,
		Approvals: 1, Resolved: 1, ByTender: map[pos.TenderKind]pos.TenderFigures{
			pos.TenderCash:   {Sales: 13350, SaleCount: 8},
			pos.TenderWechat: {Sales: 8800, Refunds: 1000, SaleCount: 4, RefundCount: 1},
		}}
	head := Head(1234, []byte{0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8})
	st := pos.DefaultSettings()
	st.ShopName = "好邻居便利店"
	for _, w := range []printer.Width{printer.Paper58, printer.Paper80} {
		for _, full := range []bool{false, true} {
			d := slip{title: T("Shift report (交班单)"), shift: sh, f: f, head: head, full: full, closed: true}.doc(st)
			job, err := printer.Encode(d, w)
			if err != nil {
				t.Fatalf("%d mm: %v", w, err)
			}
			r, err := escpostest.Decode(job)
			if err != nil {
				t.Fatalf("%d mm: decode: %v", w, err)
			}
			var text strings.Builder
			qr := ""
			for _, l := range r.Lines {
				if l.QR != "" {
					qr = l.QR
				}
				if n := columns(l.Text); l.Size != 0x11 && n > w.Columns() {
					t.Errorf("%d mm: line %q is %d columns", w, l.Text, n)
				}
				text.WriteString(l.Text + "\n")
			}
			out := text.String()
			for _, want := range []string{"交班单", "班次号", "7", "李收银", "备用金", "100元 × 3", "微信支付 净额", "78.00", "审计链 " + head} {
				if !strings.Contains(out, want) {
					t.Errorf("%d mm, full %v: no %q in\n%s", w, full, want, out)
				}
			}
			if qr != head || head != "1234:deadbeef01020304" {
				t.Errorf("QR %q, head %q", qr, head)
			}
			if hasExpected := strings.Contains(out, "应有现金"); hasExpected != full {
				t.Errorf("%d mm, full %v: expected cash shown %v:\n%s", w, full, hasExpected, out)
			}
		}
	}
}

func columns(s string) int {
	n := 0
	for _, r := range s {
		n += printer.RuneColumns(r)
	}
	return n
}

// A demo shop's 交班单 and Z report carry the 培训 TRAINING banner, as its
// receipts do; a real shop's do not.
func TestSlipTrainingBannerInDemo(t *testing.T) {
	kit.SetLanguage("zh")
	at := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	sh := pos.Shift{No: 1, Cashier: "收银员", OpenedAt: at, ClosedAt: at.Add(time.Hour), State: pos.ShiftClosed}
	z := pos.ZReport{No: 1}
	for _, demo := range []bool{false, true} {
		st := pos.DefaultSettings()
		st.Demo = demo
		docs := []printer.Doc{
			slip{title: T("Shift report (交班单)"), shift: sh, full: true, closed: true}.doc(st),
			zDoc(z, "1:deadbeef", st),
		}
		for _, d := range docs {
			job, err := printer.Encode(d, printer.Paper58)
			if err != nil {
				t.Fatal(err)
			}
			r, err := escpostest.Decode(job)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, l := range r.Lines {
				if strings.Contains(l.Text, "培训 TRAINING") {
					n++
				}
			}
			if want := map[bool]int{false: 0, true: 2}[demo]; n != want {
				t.Errorf("%s, demo %v: %d TRAINING banners, want %d", d.Title, demo, n, want)
			}
		}
	}
}
