package printer

import "strings"

// align is the ESC a argument.
type align byte

const (
	alignLeft   align = 0
	alignCenter align = 1
)

// Character sizes, the GS ! argument: the high nibble widens, the low one
// heightens. GS ! applies to Chinese characters too, where ESC ! would not.
const (
	sizeNormal byte = 0x00
	sizeTall   byte = 0x01 // double height: the columns stay the same
	sizeBig    byte = 0x11 // double width and height: half the columns
)

// printRow is one line on paper as the layout decided it. Encode and
// EncodeText both render a []printRow, so the preview and the paper agree.
type printRow struct {
	text  string // sanitized, no wider than the line at its size, no trailing spaces
	align align
	bold  bool
	size  byte
	qr    string // when set, the row is this QR symbol and text is empty
}

// The column headings of the goods, and the banner of a training receipt.
const (
	headName       = "商品"
	headQty        = "数量"
	headPrice      = "单价"
	headAmount     = "金额"
	trainingBanner = "培训 TRAINING"
	taxNoLabel     = "税号："
)

// layouter lays a Doc out for one paper width.
type layouter struct {
	cols int
	nums numCols
}

// numCols are the widths of the right-hand columns of a line of goods.
type numCols struct{ qty, price, amount int }

func newLayouter(w Width) layouter {
	if w == Paper80 {
		return layouter{cols: w.Columns(), nums: numCols{qty: 6, price: 10, amount: 10}}
	}
	return layouter{cols: w.Columns(), nums: numCols{qty: 4, price: 8, amount: 8}}
}

// layout turns d into the rows printed for paper w.
func layout(d Doc, w Width) ([]printRow, error) {
	if err := d.validate(w); err != nil {
		return nil, err
	}
	l := newLayouter(w)
	var rows []printRow
	if d.Training {
		rows = append(rows, l.banner()...)
	}
	sections := [][]printRow{
		l.head(d), l.pairs(d.Meta), l.items(d.Lines), l.pairs(d.Totals), l.pairs(d.Tenders), l.foot(d),
	}
	first := true
	for _, s := range sections {
		if len(s) == 0 {
			continue
		}
		if !first {
			rows = append(rows, l.rule('-'))
		}
		rows = append(rows, s...)
		first = false
	}
	if d.Training {
		rows = append(rows, l.banner()...)
	}
	return rows, nil
}

func (l layouter) rule(c byte) printRow {
	return printRow{text: strings.Repeat(string(c), l.cols)}
}

func (l layouter) banner() []printRow {
	big := printRow{text: trainingBanner, align: alignCenter, bold: true, size: sizeBig}
	return []printRow{l.rule('*'), big, l.rule('*')}
}

// head is the shop's name and details and the receipt's title.
func (l layouter) head(d Doc) []printRow {
	var rows []printRow
	if d.Shop != "" {
		// Double width halves the columns.
		rows = l.centred(rows, d.Shop, printRow{bold: true, size: sizeBig}, l.cols/2)
	}
	if d.Address != "" {
		rows = l.centred(rows, d.Address, printRow{}, l.cols)
	}
	if d.TaxNo != "" {
		rows = l.centred(rows, taxNoLabel+d.TaxNo, printRow{}, l.cols)
	}
	for _, h := range d.Header {
		rows = l.centred(rows, h, printRow{}, l.cols)
	}
	if d.Title != "" {
		rows = l.centred(rows, d.Title, printRow{bold: true}, l.cols)
	}
	return rows
}

// foot is the footer lines and the QR code.
func (l layouter) foot(d Doc) []printRow {
	var rows []printRow
	for _, f := range d.Footer {
		rows = l.centred(rows, f, printRow{}, l.cols)
	}
	if d.QR != "" {
		rows = append(rows, printRow{align: alignCenter, qr: d.QR})
	}
	return rows
}

// centred appends s, wrapped at cols, as centred rows styled like style.
func (l layouter) centred(rows []printRow, s string, style printRow, cols int) []printRow {
	style.align = alignCenter
	for _, t := range wrap(sanitize(s), cols) {
		style.text = t
		rows = append(rows, style)
	}
	return rows
}

// pairs lays out label–value rows: the label left, the value flush right.
// When both do not fit on one line with a space between, the label wraps
// on lines of its own and the value follows, flush right.
func (l layouter) pairs(rs []Row) []printRow {
	var rows []printRow
	for _, r := range rs {
		style := printRow{}
		if r.Bold {
			style = printRow{bold: true, size: sizeTall}
		}
		label, value := sanitize(r.Label), sanitize(r.Value)
		rows = l.leftRight(rows, label, value, style)
	}
	return rows
}

// leftRight appends left and right on one line if they fit, else left
// wrapped and then right wrapped and flush right.
func (l layouter) leftRight(rows []printRow, left, right string, style printRow) []printRow {
	if strings.TrimSpace(right) == "" {
		right = ""
	}
	lw, rw := width(left), width(right)
	if lw+1+rw <= l.cols || right == "" && lw <= l.cols || left == "" && rw <= l.cols {
		style.text = strings.TrimRight(left+spaces(l.cols-lw-rw)+right, " ")
		return append(rows, style)
	}
	if left != "" || right == "" {
		for _, t := range wrap(left, l.cols) {
			style.text = t
			rows = append(rows, style)
		}
	}
	if right != "" {
		for _, t := range wrap(strings.TrimLeft(right, " "), l.cols) {
			style.text = padLeft(t, l.cols)
			rows = append(rows, style)
		}
	}
	return rows
}

// items is the heading and the lines of goods. A name shares its line with
// the numbers when it fits beside them; else it takes lines of its own and
// the numbers follow.
func (l layouter) items(lines []Line) []printRow {
	if len(lines) == 0 {
		return nil
	}
	rows := l.leftRight(nil, headName, l.numbers(headQty, headPrice, headAmount), printRow{})
	for _, it := range lines {
		nums := l.numbers(sanitize(it.Qty), sanitize(it.Price), sanitize(it.Amount))
		rows = l.leftRight(rows, sanitize(it.Name), nums, printRow{})
	}
	return rows
}

// numbers right-aligns quantity, price and amount in their columns. A value
// wider than its column pushes the ones to its left further left, so
// nothing is ever cut off.
func (l layouter) numbers(qty, price, amount string) string {
	return padLeft(qty, l.nums.qty) + " " + padLeft(price, l.nums.price) + " " + padLeft(amount, l.nums.amount)
}
