package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// productsScreen edits the catalogue: add, edit, deactivate, import, export.
type productsScreen struct {
	app    *App
	all    []pos.Product
	shown  []pos.Product
	search *widget.Entry
	list   *widget.List
	count  *widget.Label
	msg    *noteLabel

	content fyne.CanvasObject
	form    *productForm // the open edit form, if any
}

var productCols = columns{0.15, 0.31, 0.12, 0.07, 0.1, 0.14, 0.11}

func newProductsScreen(a *App) *productsScreen {
	s := &productsScreen{app: a}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(T("Search by name, pinyin or barcode"))
	s.search.OnChanged = func(string) { s.filter() }
	s.list = widget.NewList(func() int { return len(s.shown) }, func() fyne.CanvasObject {
		r, _ := row(productCols, []fyne.TextAlign{0, 0, 0, 0, fyne.TextAlignTrailing, fyne.TextAlignTrailing, 0})
		return r
	}, s.updateRow)
	s.list.OnSelected = func(i widget.ListItemID) { s.editGated(s.shown[i]); s.list.UnselectAll() }
	s.count, s.msg = widget.NewLabel(""), newNoteLabel()
	buttons := container.NewHBox(
		widget.NewButton(T("New product"), func() { s.editGated(pos.Product{Active: true, Unit: "个"}) }),
		widget.NewButton(T("Import .xlsx/.csv"), func() { s.gated(T("Import products"), s.onImport) }),
		widget.NewButton(T("Export .xlsx"), s.onExport),
		widget.NewButton(T("Download template"), s.onTemplate),
		widget.NewButton(T("Categories…"), func() { s.gated(T("Categories"), s.onCategories) }),
	)
	head, hl := row(productCols, []fyne.TextAlign{0, 0, 0, 0, fyne.TextAlignTrailing, fyne.TextAlignTrailing, 0})
	for i, h := range []string{"Barcode", "Name", "Category", "Unit", "Price", "Member price", "Status"} {
		hl[i].SetText(T(h))
		hl[i].TextStyle.Bold = true
	}
	wrapCaptions(hl...)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, buttons, s.search), head)
	s.content = container.NewBorder(top, container.NewVBox(s.msg, s.count), nil, nil, s.list)
	s.msg.relayout = s.content.Refresh
	return s
}

// gated runs f when who is at the till may edit the catalogue
// (ActCatalogue); the store audits each change.
func (s *productsScreen) gated(detail string, f func()) {
	s.app.gated(catalogueIntent(detail), func(pos.Staff) error { f(); return nil })
}

// editGated opens p's editor, when who is at the till may edit the catalogue.
func (s *productsScreen) editGated(p pos.Product) {
	s.gated(p.Name, func() { s.edit(p) })
}

// show fills the list the first time the screen is opened: the counter
// starts without waiting for a 100,000-line list it may never show.
func (s *productsScreen) show() {
	if s.all == nil {
		s.reload()
	}
}

func (s *productsScreen) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(s.shown) {
		return
	}
	p := s.shown[i]
	member, status := "", T("On sale")
	if p.MemberPrice > 0 {
		member = p.MemberPrice.String()
	}
	if !p.Active {
		status = T("Deactivated")
	}
	unit := p.Unit
	if p.ByWeight {
		unit += "*"
	}
	for j, text := range []string{p.Barcode, p.Name, p.Category, unit, p.Price.String(), member, status} {
		o.(*fyne.Container).Objects[j].(*widget.Label).SetText(text)
	}
}

// reload shows the counter's catalogue, which every change updates.
func (s *productsScreen) reload() {
	s.all = s.app.deps.Catalog.All()
	s.filter()
}

// refetch reads the catalogue from the store into the counter's index, after
// an import (the store computes the pinyin the search uses).
func (s *productsScreen) refetch() error {
	ps, err := s.app.deps.Products.Products(context.Background())
	if err != nil {
		return err
	}
	for _, p := range ps {
		s.app.deps.Catalog.Put(p)
	}
	s.reload()
	return nil
}

func (s *productsScreen) filter() {
	q := strings.ToLower(strings.TrimSpace(s.search.Text))
	s.shown = s.shown[:0]
	for _, p := range s.all {
		if q == "" || strings.Contains(strings.ToLower(p.Name), q) || strings.Contains(p.Pinyin, q) ||
			strings.Contains(p.Initials, q) || strings.Contains(p.Barcode, q) {
			s.shown = append(s.shown, p)
		}
	}
	s.count.SetText(Tf("%d of %d products", len(s.shown), len(s.all)))
	s.list.Refresh()
}

func (s *productsScreen) showError(err error) {
	if err != nil {
		s.app.deps.Log.Warn("products", "err", err)
	}
	s.msg.Importance = widget.DangerImportance
	s.msg.SetText(cashierMessage(err))
}

func (s *productsScreen) showInfo(text string) {
	s.msg.Importance = widget.SuccessImportance
	s.msg.SetText(text)
}

// importFile imports a product file: every row or none. Bad rows are listed
// with their row numbers and reasons.
func (s *productsScreen) importFile(path string) error {
	ps, err := s.app.deps.ImportProducts(path)
	if err == nil {
		err = s.app.deps.Products.ImportProducts(s.app.actx(), ps)
	}
	if err != nil {
		s.app.deps.Log.Warn("import products", "path", path, "err", err)
		var re interface{ RowReasons() []string }
		if errors.As(err, &re) {
			s.msg.Importance = widget.DangerImportance
			s.msg.SetText(T("Nothing was imported. Fix these rows and import again:") + "\n" + strings.Join(re.RowReasons(), "\n"))
			return err
		}
		s.showError(err)
		return err
	}
	if err := s.refetch(); err != nil {
		s.showError(err)
		return err
	}
	s.showInfo(Tf("Imported %d products.", len(ps)))
	return nil
}

func (s *productsScreen) onImport() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close() // opened by the dialog; the importer reads the path itself
		_ = s.importFile(path)
	}, s.app.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

func (s *productsScreen) saveTo(name string, write func(path string) error) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close() // the writer writes the path itself
		if err := write(path); err != nil {
			s.showError(err)
			return
		}
		s.showInfo(Tf("Saved %s", path))
	}, s.app.win)
	d.SetFileName(name)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

func (s *productsScreen) onExport() {
	s.saveTo(T("products")+".xlsx", func(path string) error {
		if err := s.app.deps.ExportProducts(path, s.all, Language()); err != nil {
			return err
		}
		s.app.auditExport("products", path, map[string]any{"products": len(s.all)})
		return nil
	})
}

func (s *productsScreen) onTemplate() {
	s.saveTo(T("product-template")+".xlsx", func(path string) error {
		return s.app.deps.WriteTemplate(path, Language())
	})
}

// productForm edits one product.
type productForm struct {
	p                                  pos.Product
	barcode, name, unit, price, member *widget.Entry
	category                           *widget.SelectEntry
	byWeight, active                   *widget.Check
	msg                                *widget.Label
	dlg                                dialog.Dialog
}

func (s *productsScreen) edit(p pos.Product) {
	f := &productForm{p: p, barcode: widget.NewEntry(), name: widget.NewEntry(), unit: widget.NewEntry(),
		price: widget.NewEntry(), member: widget.NewEntry(), msg: widget.NewLabel("")}
	cats, _ := s.app.deps.Products.Categories(context.Background()) // a missing list only costs the suggestions
	f.category = widget.NewSelectEntry(cats)
	f.byWeight = widget.NewCheck(T("Sold by weight"), nil)
	f.active = widget.NewCheck(T("On sale"), nil)
	f.barcode.SetText(p.Barcode)
	f.name.SetText(p.Name)
	f.unit.SetText(p.Unit)
	f.category.SetText(p.Category)
	if p.Price > 0 {
		f.price.SetText(p.Price.String())
	}
	if p.MemberPrice > 0 {
		f.member.SetText(p.MemberPrice.String())
	}
	f.byWeight.SetChecked(p.ByWeight)
	f.active.SetChecked(p.Active)
	f.msg.Importance = widget.DangerImportance
	form := widget.NewForm(
		widget.NewFormItem(T("Barcode"), f.barcode), widget.NewFormItem(T("Name"), f.name),
		widget.NewFormItem(T("Category"), f.category), widget.NewFormItem(T("Unit"), f.unit),
		widget.NewFormItem(T("Price"), f.price), widget.NewFormItem(T("Member price"), f.member),
		widget.NewFormItem("", container.NewHBox(f.byWeight, f.active)),
	)
	save := widget.NewButton(T("Save"), func() { _ = s.save(f) })
	save.Importance = widget.HighImportance
	title := T("New product")
	if p.ID != 0 {
		title = T("Edit product")
	}
	f.dlg = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil,
		container.NewVBox(f.msg, container.NewGridWithColumns(2, widget.NewButton(T("Cancel"), func() { f.dlg.Hide() }), save)),
		nil, nil, form), s.app.win)
	f.dlg.Resize(fyne.NewSize(520, 480))
	s.form = f
	f.dlg.Show()
}

// save checks and stores the form's product.
func (s *productsScreen) save(f *productForm) error {
	p := f.p
	p.Barcode, p.Name = strings.TrimSpace(f.barcode.Text), strings.TrimSpace(f.name.Text)
	p.Category, p.Unit = strings.TrimSpace(f.category.Text), strings.TrimSpace(f.unit.Text)
	p.ByWeight, p.Active = f.byWeight.Checked, f.active.Checked
	var err error
	if p.Price, err = money.Parse(strings.TrimSpace(f.price.Text)); err != nil {
		f.msg.SetText(T("Price: a yuan amount like 12.50"))
		return err
	}
	p.MemberPrice = 0
	if m := strings.TrimSpace(f.member.Text); m != "" {
		if p.MemberPrice, err = money.Parse(m); err != nil {
			f.msg.SetText(T("Member price: a yuan amount like 12.50, or empty"))
			return err
		}
	}
	if err := p.Validate(); err != nil {
		f.msg.SetText(cashierMessage(err) + " " + fieldHint(err))
		return err
	}
	saved, err := s.app.deps.Products.SaveProduct(s.app.actx(), p)
	if err != nil {
		s.app.deps.Log.Warn("save product", "err", err)
		f.msg.SetText(cashierMessage(err))
		return err
	}
	s.app.deps.Catalog.Put(saved)
	f.dlg.Hide()
	s.form = nil
	s.reload()
	s.showInfo(Tf("Saved %s", saved.Name))
	return nil
}

// fieldHint names the field a product validation error is about.
func fieldHint(err error) string {
	msg := err.Error()
	for _, h := range []struct{ key, hint string }{
		{"barcode", "Barcode"}, {"name", "Name"}, {"member price", "Member price"}, {"price", "Price"}, {"unit", "Unit"},
	} {
		if strings.Contains(msg, h.key) {
			return fmt.Sprintf("(%s)", T(h.hint))
		}
	}
	return ""
}
