package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
)

// cashierAsksLineDelete puts the cashier at the till with line delete set
// to Approve.
func cashierAsksLineDelete(t *testing.T, f *fixture) {
	t.Helper()
	tm := f.approvals(t, pos.RoleCashier)
	p, err := tm.Auth.Permissions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p.Grants[pos.ActLineDelete][pos.RoleCashier] = pos.Approve
	if err := tm.Auth.SavePermissions(context.Background(), tm.Owner, p); err != nil {
		t.Fatal(err)
	}
}

// barcodes are the cart's lines, by barcode.
func (f *fixture) barcodes() []string {
	var out []string
	for _, l := range f.app.checkout.cart.Lines {
		out = append(out, l.Barcode)
	}
	return out
}

// The - key taking a line to zero asks the line-delete approval as Del
// does; approved, it deletes that line only.
func TestMinusToZeroNeedsLineDelete(t *testing.T) {
	f := newFixture(t)
	cashierAsksLineDelete(t, f)
	f.scan("6901234567892")
	f.scan("6902345678903")
	s := f.app.checkout
	s.selected = 0
	s.onRune('-')
	sh := f.app.gate.Sheet
	if sh == nil || len(s.cart.Lines) != 2 {
		t.Fatalf("- on a 1-piece line: sheet %v, %d lines (refusal %q); want the sheet, both lines", sh, len(s.cart.Lines), f.app.refusal)
	}
	sh.Reason.SetSelectedIndex(0)
	test.Tap(tile(t, sh, "店长"))
	test.Type(sh.PIN, storagetest.ManagerPIN)
	test.Tap(sh.ApprovePIN)
	if got := f.barcodes(); len(got) != 1 || got[0] != "6902345678903" {
		t.Errorf("after the approval the cart holds %v, want the crisps only", got)
	}
}

// A line-delete approval asked for one line never deletes another that
// took its place while the sheet was open.
func TestLineDeleteRemovesTheLineAsked(t *testing.T) {
	f := newFixture(t)
	cashierAsksLineDelete(t, f)
	f.scan("6901234567892")
	f.scan("6902345678903")
	f.scan("6903456789014")
	s := f.app.checkout
	s.selected = 1
	s.onRemove()
	sh := f.app.gate.Sheet
	if sh == nil {
		t.Fatalf("no sheet for Del (refusal %q)", f.app.refusal)
	}
	if err := s.cart.Remove(0); err != nil { // the cart changes under the sheet
		t.Fatal(err)
	}
	sh.Reason.SetSelectedIndex(0)
	test.Tap(tile(t, sh, "店长"))
	test.Type(sh.PIN, storagetest.ManagerPIN)
	test.Tap(sh.ApprovePIN)
	if got := f.barcodes(); len(got) != 2 || got[1] != "6903456789014" {
		t.Errorf("the noodles went instead of the crisps: cart %v", got)
	}
}
