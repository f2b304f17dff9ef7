package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
)

// CategoryAdder adds an empty category (storage.DB is one).
type CategoryAdder interface {
	AddCategory(ctx context.Context, name string) error
}

// onCategories lists the categories with their product counts: add one,
// rename one (its products move with it), or take all its products off sale.
func (s *productsScreen) onCategories() {
	cats, err := s.app.deps.Products.Categories(context.Background())
	if err != nil {
		s.showError(err)
		return
	}
	s.show()
	box := container.NewVBox()
	for _, c := range cats {
		n := 0
		for _, p := range s.all {
			if p.Category == c {
				n++
			}
		}
		cat := c
		rename := widget.NewButton(T("Rename"), func() { s.renameCategory(cat) })
		off := widget.NewButton(T("Take all off sale"), func() {
			dialog.ShowConfirm(T("Please confirm"), Tf("Take every product of %s off sale?", cat), func(ok bool) {
				if ok {
					s.showError(s.changeCategory(cat, func(p *pos.Product) { p.Active = false }))
				}
			}, s.app.win)
		})
		box.Add(container.NewBorder(nil, nil, nil, container.NewHBox(rename, off),
			widget.NewLabel(fmt.Sprintf("%s (%d)", cat, n))))
	}
	add := widget.NewButton(T("New category"), func() {
		s.app.askText(T("New category"), "", func(name string) error {
			adder, ok := s.app.deps.Products.(CategoryAdder)
			if !ok {
				return pos.Errorf(pos.CodeInternal, "ui: the product store cannot add categories")
			}
			return adder.AddCategory(s.app.actx(), strings.TrimSpace(name))
		})
	})
	d := dialog.NewCustom(T("Categories"), T("Close"), container.NewBorder(nil, add, nil, nil, container.NewVScroll(box)), s.app.win)
	d.Resize(fyne.NewSize(560, 460))
	d.Show()
}

func (s *productsScreen) renameCategory(old string) {
	s.app.askText(Tf("Rename category %s", old), old, func(name string) error {
		name = strings.TrimSpace(name)
		if err := pos.ValidateCategory(name); err != nil {
			return err
		}
		return s.changeCategory(old, func(p *pos.Product) { p.Category = name })
	})
}

// changeCategory applies change to every product of category cat, saving
// each and updating the counter's catalogue.
func (s *productsScreen) changeCategory(cat string, change func(*pos.Product)) error {
	ctx := s.app.actx()
	n := 0
	for _, p := range s.all {
		if p.Category != cat {
			continue
		}
		change(&p)
		saved, err := s.app.deps.Products.SaveProduct(ctx, p)
		if err != nil {
			return err
		}
		s.app.deps.Catalog.Put(saved)
		n++
	}
	s.reload()
	s.showInfo(Tf("Changed %d products.", n))
	return nil
}
