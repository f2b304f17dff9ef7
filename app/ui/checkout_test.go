package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
)

// TestScanFieldReadyAfterSale: a code that failed stays in the field for the
// cashier to fix, but once the sale is paid the next customer starts on an
// empty, focused field with no old message or search results.
func TestScanFieldReadyAfterSale(t *testing.T) {
	f := newFixture(t)
	c := f.app.checkout
	f.scan("6901234567892")
	f.scan("999") // no such product
	if c.scan.Text != "999" || c.msg.Text == "" {
		t.Fatalf("after a failed scan: field %q, message %q", c.scan.Text, c.msg.Text)
	}
	f.key(fyne.KeyF12)
	if f.app.pay == nil {
		t.Fatal("F12 opened no cash dialog")
	}
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if f.app.pay != nil || c.lastSale == nil {
		t.Fatal("the cash sale did not complete")
	}
	if c.scan.Text != "" {
		t.Errorf("scan field after the sale = %q, want empty", c.scan.Text)
	}
	if c.msg.Text != "" || len(c.results) != 0 {
		t.Errorf("after the sale: message %q, %d search results", c.msg.Text, len(c.results))
	}
	if got := f.win.Canvas().Focused(); got != c.scan {
		t.Errorf("focus after the sale is on %T, want the scan field", got)
	}
	test.Type(c.scan, "6903456789014") // the next customer's first scan lands in it
	c.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(c.cart.Lines) != 1 {
		t.Errorf("next customer's cart has %d lines, want 1", len(c.cart.Lines))
	}
}

// TestSearchShowsEveryMatchAndCount: at 1280×720 with a cart of a few lines,
// typing kkl lists all three 可口可乐 in view, under a count, with no empty
// band between the scan field and the results.
func TestSearchShowsEveryMatchAndCount(t *testing.T) {
	f := newFixture(t)
	more := []pos.Product{
		{Barcode: "6953005539997", Name: "可口可乐 500ml", Category: "饮料", Unit: "瓶", Price: 350, Active: true},
		{Barcode: "6953005540009", Name: "可口可乐 零度 330ml", Category: "饮料", Unit: "罐", Price: 350, Active: true},
	}
	if err := f.db.ImportProducts(context.Background(), append(testProducts, more...)); err != nil {
		t.Fatal(err)
	}
	f.app = f.open(t)
	c := f.app.checkout
	for _, code := range []string{"6902345678903", "6903456789014", "6902345678903"} {
		f.scan(code)
	}
	test.Type(c.scan, "kkl")
	if len(c.results) != 3 {
		t.Fatalf("kkl found %d products, want 3", len(c.results))
	}
	if got, want := c.found.Text, "找到 3 个商品 · ↑/↓ 选择 · 回车加入"; got != want {
		t.Errorf("count = %q, want %q", got, want)
	}
	f.win.Canvas().Content().Refresh()
	// The list draws only the rows in sight, so each name drawn is a row
	// shown; the list's height says none is cut off.
	for _, p := range c.results {
		if labelWithText(c.resultList, p.Name) == nil {
			t.Errorf("%s is not drawn in the results", p.Name)
		}
	}
	if got, want := c.resultList.Size().Height, listHeight(resultRow(), 3); got < want {
		t.Errorf("results list %.0f px high, want %.0f for three rows", got, want)
	}
	d := fyne.CurrentApp().Driver()
	scanBottom := d.AbsolutePositionForObject(c.scan).Y + c.scan.Size().Height
	if gap := d.AbsolutePositionForObject(c.found).Y - scanBottom; gap > 2*theme.Padding() {
		t.Errorf("%.0f px between the scan field and the count, want no empty band", gap)
	}
	if h := c.lines.Size().Height; h < 2*lineRow().MinSize().Height {
		t.Errorf("cart list %.0f px high while searching: its last lines are out of sight", h)
	}
	test.Type(c.scan, "xyz") // kklxyz matches nothing: the cart gets its room back
	if c.resultBox.Visible() {
		t.Error("results still shown for a search without matches")
	}
}

// labelWithText finds the drawn label showing text under o.
func labelWithText(o fyne.CanvasObject, text string) *widget.Label {
	for _, obj := range test.LaidOutObjects(o) {
		if l, ok := obj.(*widget.Label); ok && l.Text == text && l.Visible() {
			return l
		}
	}
	return nil
}
