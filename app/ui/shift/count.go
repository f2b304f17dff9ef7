package shift

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// countForm counts a drawer by denomination: an entry of pieces per
// denomination. With blind false it shows the running total (the float);
// a close's count is blind.
type countForm struct {
	entries map[money.Fen]*widget.Entry
	total   *widget.Label
	blind   bool
	content fyne.CanvasObject
}

func newCountForm(blind bool) *countForm {
	c := &countForm{entries: map[money.Fen]*widget.Entry{}, total: widget.NewLabel(""), blind: blind}
	grid := container.NewGridWithColumns(2)
	for _, d := range pos.Denominations {
		e := widget.NewEntry()
		e.SetPlaceHolder("0")
		e.OnChanged = func(string) { c.showTotal() }
		c.entries[d] = e
		grid.Add(widget.NewLabel(denomName(d)))
		grid.Add(e)
	}
	c.content = container.NewVBox(grid, c.total)
	c.showTotal()
	return c
}

// read is the count typed, or a message naming the first bad field. A bad
// count changes nothing.
func (c *countForm) read() (pos.Count, string) {
	out := pos.Count{}
	for _, d := range pos.Denominations {
		n, err := pos.ParsePieces(c.entries[d].Text)
		if err != nil {
			return nil, Tf("%s: type how many pieces, a whole number of 0 or more.", denomName(d))
		}
		if n > 0 {
			out[d] = n
		}
	}
	return out, ""
}

func (c *countForm) showTotal() {
	if c.blind {
		c.total.SetText(T("Count every note and coin; the till compares after you submit."))
		return
	}
	cnt, msg := c.read()
	if msg != "" {
		c.total.SetText(msg)
		return
	}
	c.total.SetText(Tf("Total: %s", cnt.Total().String()))
}

// freeze shows cnt, read-only: the final recount.
func (c *countForm) freeze(cnt pos.Count) {
	for d, e := range c.entries {
		e.SetText(strconv.FormatInt(cnt[d], 10))
		e.Disable()
	}
}

// clear empties every field, for a recount.
func (c *countForm) clear() {
	for _, e := range c.entries {
		e.SetText("")
	}
}
