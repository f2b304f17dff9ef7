package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/approve"
	"zhanggui/pos"
	"zhanggui/pos/money"
)

// checkoutScreen is the counter. cart is the model tests read; refresh is
// the only method that writes the cart's widgets.
type checkoutScreen struct {
	app      *App
	cart     *pos.Cart
	selected int           // the selected cart line, -1 for none
	results  []pos.Product // search-as-you-type results
	picked   int           // the selected result
	lastSale *pos.Sale
	payments []pos.Payment // attempts for this cart

	scan       *keyEntry
	resultList *widget.List
	found      *widget.Label     // how many products the search matched
	resultBox  fyne.CanvasObject // found and resultList; hidden while not searching
	left       *fyne.Container   // scan field, results and cart (searchLayout)
	lines      *widget.List
	items      *widget.Label
	subtotal   *widget.Label
	discount   *widget.Label
	total      *canvas.Text
	change     *canvas.Text
	lastInfo   *widget.Label
	msg        *noteLabel // takes no room while empty
	content    fyne.CanvasObject
}

// searchMax bounds the search results listed; the count says when there are more.
const searchMax = 50

var lineCols = columns{0.08, 0.32, 0.13, 0.13, 0.17, 0.17}

func newCheckoutScreen(a *App) *checkoutScreen {
	s := &checkoutScreen{app: a, selected: -1}
	s.cart = a.loadCart()
	s.build()
	s.resumePaid()
	s.refresh()
	return s
}

func (s *checkoutScreen) build() {
	s.scan = newKeyEntry()
	s.scan.SetPlaceHolder(T("Scan or type a barcode / name / pinyin (kkl), then Enter"))
	s.scan.OnSubmitted = s.onEnter
	s.scan.OnChanged = s.onSearch
	s.scan.onKey = s.onKey
	s.scan.onRune = s.onRune
	s.scan.onCtrl = map[fyne.KeyName]func(){fyne.KeyP: s.onPriceOverride}
	s.scan.scanTab = s.app.settings.ScanSuffix == "tab" // the gun ends codes with Tab: it submits

	s.resultList = widget.NewList(func() int { return len(s.results) }, resultRow, s.updateResult)
	s.resultList.OnSelected = func(i widget.ListItemID) { s.picked = i }
	s.found = widget.NewLabel("")
	s.found.Truncation = fyne.TextTruncateEllipsis

	s.lines = widget.NewList(func() int { return len(s.cart.Lines) }, lineRow, s.updateLine)
	s.lines.OnSelected = func(i widget.ListItemID) { s.selected = i; s.app.win.Canvas().Focus(s.scan) }

	s.items, s.subtotal, s.discount = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	s.total, s.change = bigText(44), bigText(30)
	s.lastInfo = widget.NewLabel("")
	s.lastInfo.Wrapping = fyne.TextWrapWord
	s.msg = newNoteLabel()
	s.msg.Importance = widget.DangerImportance
	s.content = s.layout()
}

func (s *checkoutScreen) layout() fyne.CanvasObject {
	head, hl := row(lineCols, []fyne.TextAlign{fyne.TextAlignLeading, fyne.TextAlignLeading,
		fyne.TextAlignTrailing, fyne.TextAlignTrailing, fyne.TextAlignTrailing, fyne.TextAlignTrailing})
	for i, h := range []string{"#", "Item", "Qty", "Price", "Discount", "Amount"} {
		hl[i].SetText(T(h))
		hl[i].TextStyle.Bold = true
	}
	wrapCaptions(hl...)
	// What went wrong with a scan shows right under the field, where the
	// cashier looks; the change and the last sale under the total.
	s.resultBox = container.NewBorder(s.found, widget.NewSeparator(), nil, nil, s.resultList)
	s.resultBox.Hide()
	// The key hint sits under the cart, where the wide column keeps it to a
	// line or two, rather than under the keys of the narrow panel.
	hint := widget.NewLabel(T("+/- change quantity · Up/Down select line · Ctrl+P change price · amount + F9/F11 pays part · Esc clear input · Ctrl+1…9, 0 switch screens"))
	hint.Wrapping = fyne.TextWrapWord
	cart := container.NewBorder(head, hint, nil, nil, s.lines)
	s.left = container.New(&searchLayout{need: s.resultsHeight, keep: func() float32 {
		return head.MinSize().Height + theme.Padding() + listHeight(lineRow(), min(2, max(1, len(s.cart.Lines))))
	}}, container.NewVBox(s.scan, s.msg), s.resultBox, cart)
	s.msg.relayout = s.left.Refresh
	left := s.left

	totals := s.totalsPanel()
	keys := container.NewGridWithColumns(2,
		keyButton("F12", "Cash", s.onPayCash),
		keyButton("F9", "Scan payment code", s.onPayCode),
		keyButton("F11", "Show QR to pay", s.onChooseQR),
		keyButton("F1", "Bank card", s.onPayCard),
		keyButton("", "To be confirmed", s.onPending),
		keyButton("F3", "Quantity", s.onQtyDialog),
		keyButton("F4", "Line discount", s.onLineDiscount),
		keyButton("F5", "Order discount", s.onOrderDiscount),
		keyButton("Ctrl+P", "Change price", s.onPriceOverride),
		keyButton("Del", "Remove line", s.onRemove),
		keyButton("F8", "Clear sale", s.onClear),
		keyButton("F6", "Hold", s.onHold),
		keyButton("F7", "Resume", s.onResume),
		keyButton("F10", "Reprint", s.onReprint),
	) // F2 (search) has no button: it only puts the focus in the scan field above
	// The keys stay at the bottom, where the hand finds them, whatever the
	// sale shows above them; the panel scrolls rather than grow the window
	// past a 720-pixel screen (large-font mode).
	right := container.NewBorder(totals, container.NewVBox(widget.NewSeparator(), keys), nil, nil)
	split := container.NewHSplit(left, container.NewVScroll(container.NewPadded(right)))
	split.Offset = 0.66
	return split
}

// totalsPanel shows the sale's figures on one line, the total due beside its
// caption, then the change and the last sale.
func (s *checkoutScreen) totalsPanel() fyne.CanvasObject {
	figure := func(caption string, value *widget.Label) fyne.CanvasObject {
		c := widget.NewLabel(T(caption))
		c.TextStyle.Bold = true
		return container.NewHBox(c, value)
	}
	figures := container.NewGridWithColumns(3, figure("Items", s.items),
		figure("Subtotal", s.subtotal), figure("Discount", s.discount))
	due := container.NewBorder(nil, nil, container.NewCenter(widget.NewLabel(T("Total due"))), nil, s.total)
	return container.NewVBox(figures, due, s.change, s.lastInfo)
}

func resultRow() fyne.CanvasObject {
	r, _ := row(columns{0.5, 0.28, 0.22}, []fyne.TextAlign{fyne.TextAlignLeading, fyne.TextAlignLeading, fyne.TextAlignTrailing})
	return r
}

func lineRow() fyne.CanvasObject {
	r, _ := row(lineCols, []fyne.TextAlign{fyne.TextAlignLeading, fyne.TextAlignLeading,
		fyne.TextAlignTrailing, fyne.TextAlignTrailing, fyne.TextAlignTrailing, fyne.TextAlignTrailing})
	return r
}

// resultsHeight is the room the search results need to show every match:
// the count, the rows and the separator under them (resultBox).
func (s *checkoutScreen) resultsHeight() float32 {
	pad := theme.Padding()
	return s.found.MinSize().Height + pad + listHeight(resultRow(), len(s.results)) + pad + theme.SeparatorThicknessSize()
}

func (s *checkoutScreen) updateResult(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(s.results) {
		return
	}
	p := s.results[i]
	c := o.(*fyne.Container)
	c.Objects[0].(*widget.Label).SetText(p.Name)
	c.Objects[1].(*widget.Label).SetText(p.Barcode)
	c.Objects[2].(*widget.Label).SetText(p.Price.Yuan() + "/" + p.Unit)
}

func (s *checkoutScreen) updateLine(i widget.ListItemID, o fyne.CanvasObject) {
	t := s.cart.Totals()
	if i >= len(t.Lines) {
		return
	}
	l := t.Lines[i]
	c := o.(*fyne.Container)
	cells := []string{
		fmt.Sprint(i + 1), l.Name, l.Qty.String() + " " + l.Unit, linePrice(l.UnitPrice, l.OldPrice),
		discountText(l.LineDiscount + l.OrderShare), l.Amount.String(),
	}
	for j, text := range cells {
		lb := c.Objects[j].(*widget.Label)
		lb.TextStyle.Bold = i == s.selected
		lb.SetText(text)
	}
}

// linePrice is a line's unit price, with the catalogue price an override
// replaced.
func linePrice(unit, old money.Fen) string {
	if old == 0 {
		return unit.String()
	}
	return Tf("%s (was %s)", unit.String(), old.String())
}

func discountText(f money.Fen) string {
	if f == 0 {
		return ""
	}
	return "-" + f.String()
}

// refresh shows the cart.
func (s *checkoutScreen) refresh() {
	t := s.cart.Totals()
	if s.selected >= len(s.cart.Lines) {
		s.selected = len(s.cart.Lines) - 1
	}
	s.items.SetText(fmt.Sprint(t.Items))
	s.subtotal.SetText(t.Subtotal.Yuan())
	s.discount.SetText(t.Discount.Yuan())
	s.total.Text = t.Total.Yuan()
	s.total.Refresh()
	s.lines.Refresh()
	if s.selected >= 0 {
		s.lines.Select(s.selected)
	} else {
		s.lines.UnselectAll()
	}
	s.app.display.cart(s.cart, s.lastSale)
}

// showError tells the cashier what went wrong, and logs it in full.
func (s *checkoutScreen) showError(err error) {
	if err == nil {
		s.msg.SetText("")
		return
	}
	s.app.deps.Log.Warn("checkout", "err", err)
	s.msg.SetText(cashierMessage(err))
}

// onSearch runs search-as-you-type for anything that is not a plain code.
func (s *checkoutScreen) onSearch(text string) {
	q := strings.TrimSpace(text)
	q, _ = pos.SplitQty(q)
	s.results, s.picked = nil, 0
	if q != "" && !isDigits(q) {
		s.results = s.app.deps.Catalog.Search(q, searchMax+1)
	}
	s.showFound()
	s.resultList.Refresh()
	if len(s.results) > 0 {
		s.resultList.Select(0)
		s.resultList.ScrollToTop()
	}
}

// showFound says how many products matched, and gives the results their
// room while there are any.
func (s *checkoutScreen) showFound() {
	switch n := len(s.results); {
	case n > searchMax:
		s.results = s.results[:searchMax]
		s.found.SetText(Tf("More than %d matches: type more of the name · Up/Down choose · Enter adds", searchMax))
	case n == 1:
		s.found.SetText(T("1 match · Enter adds it"))
	default:
		s.found.SetText(Tf("%d matches · Up/Down choose · Enter adds", n))
	}
	if len(s.results) > 0 {
		s.resultBox.Show()
	} else {
		s.resultBox.Hide()
	}
	s.left.Refresh() // the rows changed: lay out again
	if s.selected >= 0 {
		s.lines.ScrollTo(s.selected) // the line just added stays in sight
	}
}

func isDigits(s string) bool { return strings.Trim(s, "0123456789") == "" }

// onEnter adds the scanned or typed code, or the picked search result.
func (s *checkoutScreen) onEnter(text string) {
	code, qty := pos.SplitQty(text)
	if code == "" {
		return
	}
	p, err := s.app.deps.Catalog.ByBarcode(code)
	if err != nil && qty == 0 && len(s.cart.Lines) > 0 {
		if _, _, perr := pos.RoutePaymentCode(code, pos.DefaultCodeRoutes); perr == nil {
			s.app.beep(true)
			s.startCodePayment(code, 0) // the customer's 付款码, scanned straight after the goods
			return
		}
	}
	if pos.ErrorCode(err) != pos.CodeNotFound && err != nil && len(s.results) == 0 {
		s.app.beep(false)
		s.showError(err)
		return
	}
	if err != nil && len(s.results) > 0 {
		p, err = s.results[min(s.picked, len(s.results)-1)], nil
	}
	if err != nil {
		s.app.beep(false)
		s.showError(err)
		return
	}
	s.addProduct(p, qty)
}

// addProduct puts p on the cart; a weighed item without a typed weight asks for it.
func (s *checkoutScreen) addProduct(p pos.Product, qty pos.Qty) {
	if qty == 0 && p.ByWeight {
		s.askText(Tf("Weight of %s (%s)", p.Name, p.Unit), "0.500", func(v string) error {
			q, err := pos.ParseQty(v)
			if err == nil {
				s.addProduct(p, q)
			}
			return err
		})
		return
	}
	if qty == 0 {
		qty = pos.OnePiece
	}
	err := s.locked()
	if err == nil {
		err = s.cart.Add(p, qty)
	}
	s.showError(err)
	s.app.beep(err == nil)
	if err == nil {
		s.scan.SetText("")
		s.change.Text, s.lastInfo.Text = "", ""
		s.change.Refresh()
		s.lastInfo.Refresh()
		s.selected = s.lineOf(p)
		s.saveCart()
	}
	s.refresh()
}

func (s *checkoutScreen) lineOf(p pos.Product) int {
	for i := len(s.cart.Lines) - 1; i >= 0; i-- {
		if s.cart.Lines[i].Barcode == p.Barcode {
			return i
		}
	}
	return -1
}

// saveCart keeps the sale in progress durable, so a restart resumes it.
func (s *checkoutScreen) saveCart() {
	if err := s.app.deps.Carts.SaveCart(context.Background(), s.cart, false); err != nil {
		s.showError(err)
	}
}

// onKey handles the counter's keys; it reports whether it used the key.
func (s *checkoutScreen) onKey(k fyne.KeyName) bool {
	actions := map[fyne.KeyName]func(){
		fyne.KeyF2: func() { s.app.win.Canvas().Focus(s.scan) }, fyne.KeyF3: s.onQtyDialog,
		fyne.KeyF4: s.onLineDiscount, fyne.KeyF5: s.onOrderDiscount, fyne.KeyF6: s.onHold,
		fyne.KeyF7: s.onResume, fyne.KeyF8: s.onClear, fyne.KeyF10: s.onReprint, fyne.KeyF12: s.onPayCash,
		fyne.KeyF9: s.onPayCode, fyne.KeyF11: s.onChooseQR, fyne.KeyF1: s.onPayCard,
		fyne.KeyDelete: s.onRemove, fyne.KeyUp: func() { s.move(-1) }, fyne.KeyDown: func() { s.move(1) },
		fyne.KeyEscape: func() { s.scan.SetText(""); s.showError(nil) },
	}
	if k == fyne.KeyDelete && s.scan.Text != "" {
		return false // deleting typed text
	}
	if f, ok := actions[k]; ok {
		f()
		return true
	}
	return false
}

func (s *checkoutScreen) onRune(r rune) bool {
	switch r {
	case '+':
		s.step(pos.OnePiece)
	case '-':
		s.step(-pos.OnePiece)
	default:
		return false
	}
	return true
}

// move selects the next or previous search result while searching, else cart line.
func (s *checkoutScreen) move(d int) {
	if len(s.results) > 0 {
		s.picked = (s.picked + d + len(s.results)) % len(s.results)
		s.resultList.Select(s.picked)
		return
	}
	if n := len(s.cart.Lines); n > 0 {
		s.selected = (s.selected + d + n) % n
		s.refresh()
	}
}

// step adds d to the selected line's quantity (the +/- keys); a line
// brought to zero is deleted through the line-delete gate, as Del does.
func (s *checkoutScreen) step(d pos.Qty) {
	if s.selected >= 0 && s.selected < len(s.cart.Lines) && s.cart.Lines[s.selected].Qty+d <= 0 {
		s.onRemove()
		return
	}
	s.change1(func() error { return s.cart.Step(s.selected, d) })
}

// change1 applies one change to the cart, then saves and shows it.
func (s *checkoutScreen) change1(f func() error) error {
	err := s.locked()
	if err == nil {
		err = f()
	}
	s.showError(err)
	if err == nil {
		s.saveCart()
	}
	s.refresh()
	return err
}

// onRemove deletes the selected line, when who is at the till may.
func (s *checkoutScreen) onRemove() {
	l, ok := s.selectedLine()
	if !ok {
		return
	}
	i := s.selected
	in := approve.Intent{Actions: []pos.Action{pos.ActLineDelete}, What: T("Delete a line"),
		Subject: "cart:" + s.cart.ID, Detail: l.Name, Amount: s.cart.Totals().Lines[i].Amount,
		Audit: pos.AuditLineDeleted, Data: map[string]any{"line": l.Name, "barcode": l.Barcode}}
	s.app.gated(in, func(pos.Staff) error {
		return s.change1(func() error {
			if i >= len(s.cart.Lines) || s.cart.Lines[i].Barcode != l.Barcode || s.cart.Lines[i].ProductID != l.ProductID {
				return pos.ErrNoLine // the cart changed while the approval was asked
			}
			return s.cart.Remove(i)
		})
	})
}

func (s *checkoutScreen) onClear() {
	if len(s.cart.Lines) == 0 {
		return
	}
	if err := s.locked(); err != nil {
		s.showError(err)
		return
	}
	in := approve.Intent{Actions: []pos.Action{pos.ActSaleCancel}, What: T("Cancel the sale"),
		Subject: "cart:" + s.cart.ID, Amount: s.cart.Totals().Total, Audit: pos.AuditSaleCancelled}
	s.confirm(T("Clear this sale?"), func() {
		s.app.gated(in, func(pos.Staff) error {
			s.cart.Clear()
			s.selected = -1
			return s.change1(func() error { return nil })
		})
	})
}

// selectedLine returns the selected cart line, or tells the cashier to pick one.
func (s *checkoutScreen) selectedLine() (pos.CartLine, bool) {
	if s.selected < 0 || s.selected >= len(s.cart.Lines) {
		s.showError(pos.ErrNoLine)
		return pos.CartLine{}, false
	}
	return s.cart.Lines[s.selected], true
}

func (s *checkoutScreen) onQtyDialog() {
	l, ok := s.selectedLine()
	if !ok {
		return
	}
	s.askText(Tf("Quantity of %s (%s)", l.Name, l.Unit), l.Qty.String(), func(v string) error {
		q, err := pos.ParseQty(v)
		if err != nil {
			return err
		}
		i := s.selected
		return s.apply(func() error { return s.cart.SetQty(i, q) })
	})
}

func (s *checkoutScreen) onLineDiscount() {
	l, ok := s.selectedLine()
	if !ok {
		return
	}
	s.askText(Tf("Discount on %s: 10%% · 9折 · 5 (yuan)", l.Name), l.Discount.String(), func(v string) error {
		d, err := pos.ParseDiscount(v)
		if err != nil {
			return err
		}
		i := s.selected
		gross := s.cart.Totals().Lines[i].Gross
		return s.discount1(gross, d, l.Name, func() error { return s.cart.SetLineDiscount(i, d) })
	})
}

func (s *checkoutScreen) onOrderDiscount() {
	s.askText(T("Order discount: 10% · 9折 · 5 (yuan)"), s.cart.Discount.String(), func(v string) error {
		d, err := pos.ParseDiscount(v)
		if err != nil {
			return err
		}
		var base money.Fen
		for _, l := range s.cart.Totals().Lines {
			base += l.Gross - l.LineDiscount
		}
		return s.discount1(base, d, T("the whole sale"), func() error { return s.cart.SetDiscount(d) })
	})
}

// discount1 applies a manual discount d on base: at once up to the free
// threshold, above it when who is at the till may (ActDiscount).
func (s *checkoutScreen) discount1(base money.Fen, d pos.Discount, what string, f func() error) error {
	if err := d.Validate(); err != nil {
		return err
	}
	off := d.Off(base)
	if !s.app.gate.Limits().DiscountIsGated(base, off) {
		return s.apply(f)
	}
	in := approve.Intent{Actions: []pos.Action{pos.ActDiscount}, What: Tf("Discount of %s", off.Yuan()),
		Subject: "cart:" + s.cart.ID, Detail: what, Amount: off, Audit: pos.AuditDiscount,
		Data: map[string]any{"discount": d.String(), "base_fen": int64(base)}}
	s.app.gated(in, func(pos.Staff) error {
		err := s.apply(f)
		s.showError(err)
		return err
	})
	return nil
}

// apply is change1 for dialogs: the error goes back to the dialog.
func (s *checkoutScreen) apply(f func() error) error {
	if err := s.locked(); err != nil {
		return err
	}
	if err := f(); err != nil {
		return err
	}
	s.showError(nil)
	s.saveCart()
	s.refresh()
	return nil
}
