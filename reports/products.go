// Package reports turns the till's data into files people open in Excel, and
// reads back the ones they fill in: the catalogue's import and export
// (products.go), then sales reports and reconciliation workbooks. It works on
// pos values handed in and out; it never opens the database or the network.
//
// A float64 holds an amount in one place only: yuanCell, which turns a
// money.Fen into a workbook cell.
package reports

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Limits of one import, so that a wrong or hostile file costs an error
// message, not the till's memory.
const (
	// MaxImportRows bounds the product rows of one file: twice the 100,000
	// products a shop's catalogue is designed for.
	MaxImportRows = 200_000
	// MaxCellBytes bounds one CSV record and one xlsx cell. A quote left open
	// in a CSV turns the rest of the file into one cell; without the guard
	// it would all be held in memory before any row could be reported.
	MaxCellBytes = 10 << 20
	// xlsxUnzipMax bounds what an .xlsx may unpack to (a zip bomb): 200,000
	// rows of nine generous cells fit well below it.
	xlsxUnzipMax = 1 << 30
	// sniffBytes is how much of a CSV is read to tell UTF-8 from GB18030.
	sniffBytes = 1 << 20
)

// Errors for the screens to explain. An *ImportError matches ErrBadImport
// with errors.Is and has pos.CodeInvalid.
var (
	ErrBadImport         = pos.Errorf(pos.CodeInvalid, "reports: bad product file")
	ErrUnsupportedFormat = pos.Errorf(pos.CodeInvalid, "reports: unsupported file type; use .csv or .xlsx")
	ErrBadLanguage       = pos.Errorf(pos.CodeInvalid, "reports: language must be zh or en")
)

// RowError is one problem of an imported file, where the shop owner finds it.
type RowError struct {
	Row    int    // 1-based as the spreadsheet shows it (the header is row 1); 0: the whole file
	Column string // the column's header as the file spells it; "" for the whole row
	Reason string // Chinese, for the shop owner: "条码校验位错误"
}

// String formats e as the screen lists it: "第 5 行「条码」：条码校验位错误".
func (e RowError) String() string {
	switch {
	case e.Row == 0:
		return "文件：" + e.Reason
	case e.Column == "":
		return fmt.Sprintf("第 %d 行：%s", e.Row, e.Reason)
	default:
		return fmt.Sprintf("第 %d 行「%s」：%s", e.Row, e.Column, e.Reason)
	}
}

// ImportError lists every problem of a file that was not imported, so the
// owner fixes the file in one pass. Rows are in file order; a row with two
// bad cells appears twice.
type ImportError struct {
	Rows  []RowError
	cause error // what a parser said, for the log; nil for broken rules
}

// Error lists every problem, one per line.
func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "reports: product file has %d problem(s)", len(e.Rows))
	if e.cause != nil {
		fmt.Fprintf(&b, " (%v)", e.cause)
	}
	for _, r := range e.Rows {
		b.WriteString("\n")
		b.WriteString(r.String())
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrBadImport) hold and pos.ErrorCode report
// pos.CodeInvalid.
func (e *ImportError) Unwrap() error { return ErrBadImport }

func fileError(row int, reason string, cause error) *ImportError {
	return &ImportError{Rows: []RowError{{Row: row, Reason: reason}}, cause: cause}
}

// ImportProductsFile reads a .csv or .xlsx file (by its extension) with
// ImportProducts. Other extensions return ErrUnsupportedFormat.
func ImportProductsFile(path string) ([]pos.Product, error) {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if format != "csv" && format != "xlsx" {
		return nil, fmt.Errorf("reports: import %s: %w", path, ErrUnsupportedFormat)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reports: import products: %w", err)
	}
	defer f.Close() // read only: closing cannot lose data
	ps, err := ImportProducts(f, format)
	if err != nil {
		return nil, fmt.Errorf("reports: import %s: %w", path, err)
	}
	return ps, nil
}

// ImportProducts reads a product list in the template's form (see
// WriteTemplateXLSX) from a "csv" (UTF-8 with or without BOM, or GBK/GB18030
// as Excel in China saves it; comma- or tab-separated) or an "xlsx" file (its
// sheet 商品 or Products, else its first sheet). Columns are found by their
// header, in any order; unknown ones are ignored, blank rows skipped.
//
// It returns every product, or none: when any row is bad the error is an
// *ImportError listing every problem with its row and a reason in Chinese.
// A file with a header and no rows gives an empty list. Pinyin, Initials and
// ID are left empty for the caller.
func ImportProducts(r io.Reader, format string) ([]pos.Product, error) {
	var (
		src source
		err error
	)
	switch strings.ToLower(format) {
	case "csv":
		src, err = newCSVSource(r)
	case "xlsx":
		src, err = newXLSXSource(r)
	default:
		return nil, fmt.Errorf("reports: import format %q: %w", format, ErrUnsupportedFormat)
	}
	if err != nil {
		return nil, err
	}
	defer src.close()
	return importRows(src)
}

// source yields the rows of one table, numbered as a spreadsheet shows them,
// and io.EOF after the last.
type source interface {
	next() (row int, cells []string, err error)
	fromExcel() bool // numbers are raw xlsx values, which may carry float noise
	close()
}

// importRows reads the header, then every row; it keeps products only while
// no row has failed.
func importRows(src source) ([]pos.Product, error) {
	h, err := readHeader(src)
	if err != nil {
		return nil, err
	}
	ps := []pos.Product{}
	var bad []RowError
	seen := make(map[string]int) // barcode → the row it was first on
	for n := 0; ; {
		row, cells, err := src.next()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		if blank(cells) {
			continue
		}
		if n++; n > MaxImportRows {
			return nil, fileError(row, fmt.Sprintf("商品超过 %d 行，请分成几个文件导入", MaxImportRows), nil)
		}
		p, errs := h.parseRow(row, cells)
		if first, dup := seen[p.Barcode]; dup && p.Barcode != "" {
			errs = append(errs, h.rowError(row, colBarcode, fmt.Sprintf("条码重复（与第 %d 行）", first)))
		} else if p.Barcode != "" {
			seen[p.Barcode] = row
		}
		bad = append(bad, errs...)
		if len(bad) == 0 {
			ps = append(ps, p)
		}
	}
	if len(bad) > 0 {
		return nil, &ImportError{Rows: bad}
	}
	return ps, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// col names a column of the template.
type col int

// The template's columns, in the order export writes them.
const (
	colBarcode col = iota
	colName
	colCategory
	colUnit
	colPrice
	colMember
	colByWeight
	colStock
	colActive
	numCols
)

// colSpec describes a column: its headers, the other spellings accepted, and
// what the template's help sheet says about it.
type colSpec struct {
	zh, en   string
	aliases  []string // further headers, as normHeader leaves them
	required bool
	width    float64 // in characters; a Chinese character counts two
	helpZh   string
	helpEn   string
}

var cols = [numCols]colSpec{
	colBarcode: {"条码", "barcode", []string{"条形码", "商品条码", "code", "ean"}, true, 16,
		"EAN-13、EAN-8、UPC-A 条码（校验位必须正确），或本店自编码（字母、数字、-、_，最长 32 位）。同一文件中不能重复。请把这一列设为文本格式，以免 Excel 把长条码变成科学计数法。",
		"EAN-13, EAN-8 or UPC-A with a correct check digit, or the shop's own code (letters, digits, - and _, up to 32). Unique within the file. Format the column as text so Excel keeps long codes."},
	colName: {"名称", "name", []string{"商品名称", "品名", "productname"}, true, 34,
		"1 到 60 个字，建议带规格，如「可口可乐 330ml」。",
		"1 to 60 characters, with the size: \"Coca-Cola 330ml\"."},
	colCategory: {"分类", "category", []string{"类别", "商品分类"}, true, 12,
		"如 饮料、零食、日用百货；可以留空。",
		"Such as drinks or snacks; may be empty."},
	colUnit: {"单位", "unit", nil, true, 8,
		"如 瓶、袋、包、盒、kg；不能为空。",
		"Such as bottle, bag, box or kg; required."},
	colPrice: {"售价", "price", []string{"零售价", "价格", "retailprice"}, true, 12,
		"单位为元，大于 0，最多两位小数，如 12.50。",
		"In yuan, above 0, at most two decimals: 12.50."},
	colMember: {"会员价", "member_price", []string{"memberprice"}, false, 12,
		"可选。会员购买的价格，不能高于售价；留空表示会员也按售价。",
		"Optional. What members pay, at most the price; empty: members pay the price."},
	colByWeight: {"称重", "by_weight", []string{"是否称重", "byweight", "weighed"}, false, 8,
		"可选。是 或 否（也可填 yes/no、1/0、true/false）；称重商品的数量可以有小数。留空为否。",
		"Optional. yes or no (also 是/否, 1/0, true/false); weighed goods sell in fractions. Empty: no."},
	colStock: {"库存", "stock", []string{"库存数量"}, false, 12,
		"可选。现有数量，最多三位小数，如 12.345（kg）；留空为 0。",
		"Optional. Quantity on hand, at most three decimals: 12.345 (kg). Empty: 0."},
	colActive: {"状态", "active", []string{"status"}, false, 10,
		"可选。在售 或 停售（也可填 active/inactive）；留空为在售。停售的商品不能扫码销售。",
		"Optional. active or inactive (also 在售/停售); empty: active. Inactive goods cannot be sold."},
}

// headerCols maps every accepted header, normalised, to its column.
var headerCols = func() map[string]col {
	m := make(map[string]col)
	for c, s := range cols {
		for _, h := range append([]string{s.zh, s.en}, s.aliases...) {
			m[normHeader(h)] = col(c)
		}
	}
	return m
}()

// normHeader folds the spellings of a header together: "Member Price",
// "member_price" and "售价（元）" become "memberprice" and "售价".
func normHeader(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "\ufeff")
	if i := strings.IndexAny(s, "(（["); i > 0 {
		s = s[:i]
	}
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' || r == '-' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

// header is where each column sits in the rows of one file.
type header struct {
	at    [numCols]int    // cell index, -1 when the file has no such column
	names [numCols]string // the header as the file spells it
	excel bool
}

// readHeader takes the first non-blank row as the header and checks that
// every required column is there, once.
func readHeader(src source) (*header, error) {
	var row int
	var cells []string
	for {
		var err error
		row, cells, err = src.next()
		if err == io.EOF {
			return nil, fileError(1, "文件是空的：第 1 行应为表头（条码、名称、分类、单位、售价…）", nil)
		} else if err != nil {
			return nil, err
		}
		if !blank(cells) {
			break
		}
	}
	h := &header{excel: src.fromExcel()}
	for c := range h.at {
		h.at[c] = -1
	}
	var bad []RowError
	for i, cell := range cells {
		c, ok := headerCols[normHeader(cell)]
		if !ok {
			continue // a column of the shop's own: ignored
		}
		if h.at[c] >= 0 {
			bad = append(bad, RowError{Row: row, Column: strings.TrimSpace(cell),
				Reason: fmt.Sprintf("表头中「%s」列出现了两次（第 %d 列和第 %d 列）", cols[c].zh, h.at[c]+1, i+1)})
			continue
		}
		h.at[c], h.names[c] = i, strings.TrimSpace(cell)
	}
	if missing := h.missing(); missing != "" {
		bad = append(bad, RowError{Row: row, Reason: "缺少必需的列：" + missing +
			"（表头应包含 条码、名称、分类、单位、售价）"})
	}
	if len(bad) > 0 {
		return nil, &ImportError{Rows: bad}
	}
	return h, nil
}

func (h *header) missing() string {
	var names []string
	for c, s := range cols {
		if s.required && h.at[c] < 0 {
			names = append(names, s.zh)
		}
	}
	return strings.Join(names, "、")
}

// cell returns the trimmed text of column c in cells, "" when absent.
func (h *header) cell(cells []string, c col) string {
	if i := h.at[c]; i >= 0 && i < len(cells) {
		return strings.TrimSpace(cells[i])
	}
	return ""
}

func (h *header) rowError(row int, c col, reason string) RowError {
	name := ""
	if c >= 0 {
		name = h.names[c]
	}
	return RowError{Row: row, Column: name, Reason: reason}
}

// rowParser collects the problems of one row while its cells are read.
type rowParser struct {
	h     *header
	row   int
	cells []string
	errs  []RowError
}

func (rp *rowParser) bad(c col, reason string) {
	rp.errs = append(rp.errs, rp.h.rowError(rp.row, c, reason))
}

func (rp *rowParser) cell(c col) string { return rp.h.cell(rp.cells, c) }

// parseRow turns one row into a product and every problem it has. The
// barcode is set only when it is valid, for the duplicate check.
func (h *header) parseRow(row int, cells []string) (pos.Product, []RowError) {
	rp := &rowParser{h: h, row: row, cells: cells}
	if !rp.utf8() {
		return pos.Product{}, rp.errs
	}
	p := pos.Product{
		Barcode:  rp.barcode(),
		Name:     rp.name(),
		Category: rp.cell(colCategory),
		Unit:     rp.unit(),
		ByWeight: rp.flag(colByWeight, boolWords, false, "称重只能填 是 或 否"),
		Stock:    rp.stock(),
		Active:   rp.flag(colActive, activeWords, true, "状态只能填 在售 或 停售"),
	}
	p.Price, p.MemberPrice = rp.prices()
	if len(rp.errs) == 0 {
		// Each field passed; a rule pos adds later still stops the row.
		if err := p.Validate(); err != nil {
			rp.bad(-1, "商品数据不符合规则："+err.Error())
		}
	}
	return p, rp.errs
}

// utf8 reports cells that are not text: a CSV whose first megabyte was
// UTF-8 and whose rest is not.
func (rp *rowParser) utf8() bool {
	ok := true
	for c := range numCols {
		if !utf8.ValidString(rp.cell(c)) {
			rp.bad(c, "文字编码错误：请把文件另存为 UTF-8 或 GBK 编码")
			ok = false
		}
	}
	return ok
}

// probe is a product Validate accepts. A field is checked by setting it on a
// copy of probe, so Validate stays the one place the rules live and its
// verdict belongs to that field's column.
var probe = pos.Product{Barcode: "PROBE", Name: "probe", Unit: "个", Price: 1}

func validWith(set func(q *pos.Product)) bool {
	q := probe
	set(&q)
	return q.Validate() == nil
}

func (rp *rowParser) barcode() string {
	s := rp.cell(colBarcode)
	if rp.h.excel && strings.ContainsAny(s, "+") {
		s = rp.number(colBarcode) // 6.901234567892E+12: a barcode Excel stored as a number
	}
	if s == "" {
		rp.bad(colBarcode, "条码不能为空")
		return ""
	}
	code, _, err := pos.ParseBarcode(s)
	switch {
	case err == nil:
		return code
	case scientific(s):
		rp.bad(colBarcode, "条码被 Excel 显示成了科学计数法（如 6.90123E+12）：请把条码列设为文本格式，重新填写后保存")
	case digitsOnly(s) && (len(s) == 8 || len(s) == 12 || len(s) == 13) && !pos.CheckDigitOK(s):
		rp.bad(colBarcode, "条码校验位错误")
	default:
		rp.bad(colBarcode, "条码格式错误：只能是数字、字母、- 和 _，最长 32 位")
	}
	return ""
}

// scientific reports whether s is a number in Excel's scientific notation,
// which is what Excel saves to CSV for a long number in a General cell.
func scientific(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && strings.ContainsAny(s, "Ee")
}

func digitsOnly(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func (rp *rowParser) name() string {
	s := rp.cell(colName)
	if !validWith(func(q *pos.Product) { q.Name = s }) {
		if s == "" {
			rp.bad(colName, "名称不能为空")
		} else {
			rp.bad(colName, "名称太长：最多 60 个字")
		}
	}
	return s
}

func (rp *rowParser) unit() string {
	s := rp.cell(colUnit)
	if !validWith(func(q *pos.Product) { q.Unit = s }) {
		rp.bad(colUnit, "单位不能为空")
	}
	return s
}

// prices reads the price and the member price; the member price is checked
// against the price only when the price is good.
func (rp *rowParser) prices() (price, member money.Fen) {
	price, priceOK := rp.price()
	if s := strings.TrimLeft(rp.number(colMember), "¥￥"); s != "" {
		m, err := money.Parse(s)
		switch {
		case err != nil:
			rp.bad(colMember, "会员价格式错误：应为数字，最多两位小数，如 11.50")
		case priceOK && !validWith(func(q *pos.Product) { q.Price, q.MemberPrice = price, m }):
			rp.bad(colMember, "会员价不能高于售价")
		default:
			member = m
		}
	}
	return price, member
}

func (rp *rowParser) price() (money.Fen, bool) {
	s := strings.TrimLeft(rp.number(colPrice), "¥￥")
	if s == "" {
		rp.bad(colPrice, "售价不能为空")
		return 0, false
	}
	f, err := money.Parse(s)
	switch {
	case strings.HasPrefix(s, "-"):
		rp.bad(colPrice, "售价必须大于0")
	case err != nil:
		rp.bad(colPrice, "售价格式错误：应为数字，最多两位小数，如 12.50")
	case !validWith(func(q *pos.Product) { q.Price = f }):
		// money.Parse takes no sign and nothing near MaxFen: only 0 is left.
		rp.bad(colPrice, "售价必须大于0")
	default:
		return f, true
	}
	return 0, false
}

// stock reads the quantity on hand: empty is 0, and a negative stock (sold
// beyond what was counted) is kept, so an export imports back.
func (rp *rowParser) stock() pos.Qty {
	s := rp.number(colStock)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if s == "" && !neg || zeroQty(s) {
		return 0
	}
	q, err := pos.ParseQty(s)
	if err != nil {
		rp.bad(colStock, "库存格式错误：应为数字，最多三位小数，如 12.5")
		return 0
	}
	if neg {
		return -q
	}
	return q
}

// zeroQty reports whether s is a well-formed zero ("0", "0.000"), which
// ParseQty refuses as a quantity sold but a stock may be. Turning the first
// 0 into 1 keeps the form, so ParseQty still decides what is well formed.
func zeroQty(s string) bool {
	i := strings.IndexByte(s, '0')
	if i < 0 || strings.Trim(s, "0.") != "" {
		return false
	}
	_, err := pos.ParseQty(s[:i] + "1" + s[i+1:])
	return err == nil
}

// The words accepted in the yes/no columns, lower case.
var (
	boolWords = map[string]bool{
		"是": true, "否": false, "yes": true, "no": false,
		"1": true, "0": false, "true": true, "false": false,
	}
	activeWords = map[string]bool{
		"在售": true, "停售": false, "上架": true, "下架": false, "active": true, "inactive": false,
		"是": true, "否": false, "yes": true, "no": false,
		"1": true, "0": false, "true": true, "false": false,
	}
)

func (rp *rowParser) flag(c col, words map[string]bool, empty bool, reason string) bool {
	s := strings.ToLower(rp.cell(c))
	if s == "" {
		return empty
	}
	v, ok := words[s]
	if !ok {
		rp.bad(c, reason)
	}
	return v
}

// number returns the cell of a numeric column. A number read from an .xlsx
// is the raw value Excel stored, which may be 8.1999999999999993 for the 8.2
// the owner typed, or 6.901234567892E+12 for a barcode: it is rounded to the
// 15 significant digits Excel shows. Typed text is left alone, so "12.345"
// still fails as a price.
func (rp *rowParser) number(c col) string {
	s := rp.cell(c)
	if !rp.h.excel || !strings.ContainsAny(s, ".Ee") {
		return s
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64) // the text of a float parses
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// csvSource reads CSV records as rows.
type csvSource struct {
	r       *csv.Reader
	guard   *guardReader
	row     int // the spreadsheet row of the last record
	endLine int // the file line the last record ended on
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// newCSVSource looks at the start of the file to choose its encoding (UTF-8,
// with or without BOM, else GB18030, a superset of the GBK that Excel in
// China writes) and its separator (comma, or tab when the first line has
// tabs and no comma).
func newCSVSource(r io.Reader) (*csvSource, error) {
	head, err := io.ReadAll(io.LimitReader(r, sniffBytes))
	if err != nil {
		return nil, fmt.Errorf("reports: read csv: %w", err)
	}
	in := io.MultiReader(bytes.NewReader(head), r)
	switch {
	case bytes.HasPrefix(head, utf8BOM):
		in = io.MultiReader(bytes.NewReader(head[len(utf8BOM):]), r)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return nil, fileError(0, "这是 Excel 工作簿，不是 CSV 文件：请选择 .xlsx 格式导入", nil)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, fileError(0, "文件是 UTF-16 编码：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」或「CSV（逗号分隔）」", nil)
	case !utf8Prefix(head, len(head) == sniffBytes):
		in = transform.NewReader(in, simplifiedchinese.GB18030.NewDecoder())
	}
	g := &guardReader{r: in}
	cr := csv.NewReader(g)
	cr.FieldsPerRecord = -1 // rows may be shorter or longer than the header
	cr.LazyQuotes = true    // 12" 披萨 in a hand-made file is a name, not an error
	cr.ReuseRecord = true
	firstLine, _, _ := bytes.Cut(head, []byte("\n"))
	if bytes.IndexByte(firstLine, '\t') >= 0 && bytes.IndexByte(firstLine, ',') < 0 {
		cr.Comma = '\t' // a table pasted from Excel
	}
	return &csvSource{r: cr, guard: g}, nil
}

// utf8Prefix reports whether b is UTF-8, allowing a rune cut off at the end
// when b is only the start of the file.
func utf8Prefix(b []byte, cut bool) bool {
	for i := 0; cut && i < utf8.UTFMax-1 && len(b) > 0 && !utf8.Valid(b); i++ {
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

func (s *csvSource) fromExcel() bool { return false }
func (s *csvSource) close()          {}

func (s *csvSource) next() (int, []string, error) {
	s.guard.start = s.r.InputOffset()
	rec, err := s.r.Read() // with LazyQuotes and any field count, no *csv.ParseError
	switch {
	case err == io.EOF:
		return 0, nil, io.EOF
	case errors.Is(err, errCellTooBig):
		return 0, nil, fileError(s.row+1, "这一行超过 10 MB，文件可能已损坏（是否有引号没有配对？）", err)
	case err != nil:
		return 0, nil, fmt.Errorf("reports: read csv: %w", err)
	}
	// encoding/csv skips empty lines, which a spreadsheet shows as rows.
	line, _ := s.r.FieldPos(0)
	s.row += 1 + max(0, line-s.endLine-1)
	last, _ := s.r.FieldPos(len(rec) - 1)
	s.endLine = last + strings.Count(rec[len(rec)-1], "\n")
	return s.row, rec, nil
}

var errCellTooBig = errors.New("reports: csv record over MaxCellBytes")

// guardReader fails once the record being read passes MaxCellBytes: start
// is the reader's offset when the record began.
type guardReader struct {
	r        io.Reader
	n, start int64
}

func (g *guardReader) Read(p []byte) (int, error) {
	if g.n-g.start > MaxCellBytes {
		return 0, errCellTooBig
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

// xlsxSource reads the rows of one worksheet.
type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	row  int
}

// newXLSXSource opens the workbook and chooses its sheet 商品 or Products,
// else the first.
func newXLSXSource(r io.Reader) (*xlsxSource, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: xlsxUnzipMax})
	if err != nil {
		return nil, fileError(0, "不是有效的 Excel .xlsx 文件（旧版 .xls 请在 Excel 中另存为 .xlsx；不支持加密的文件）", err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		_ = f.Close() // nothing was written: nothing to lose
		return nil, fileError(0, "Excel 文件中没有工作表", nil)
	}
	sheet := sheets[0]
	for _, name := range sheets {
		if name == locales["zh"].sheet || name == locales["en"].sheet {
			sheet = name
			break
		}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		_ = f.Close()
		return nil, fileError(0, "无法读取工作表「"+sheet+"」", err)
	}
	return &xlsxSource{f: f, rows: rows}, nil
}

func (s *xlsxSource) fromExcel() bool { return true }

func (s *xlsxSource) close() {
	_ = s.rows.Close() // only removes temporary files; the import is done
	_ = s.f.Close()
}

func (s *xlsxSource) next() (int, []string, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return 0, nil, fileError(s.row+1, "无法读取这一行", err)
		}
		return 0, nil, io.EOF
	}
	s.row++ // Next steps over missing rows one by one: s.row is the sheet's row
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return 0, nil, fileError(s.row, "无法读取这一行", err)
	}
	for _, c := range cells {
		if len(c) > MaxCellBytes {
			return 0, nil, fileError(s.row, "这一行有超过 10 MB 的单元格，文件可能已损坏", nil)
		}
	}
	return s.row, cells, nil
}

// locale is the wording of an exported workbook.
type locale struct {
	en               bool
	sheet, helpSheet string
	yes, no, on, off string
}

var locales = map[string]locale{
	"zh": {sheet: "商品", helpSheet: "说明", yes: "是", no: "否", on: "在售", off: "停售"},
	"en": {en: true, sheet: "Products", helpSheet: "Help", yes: "yes", no: "no", on: "active", off: "inactive"},
}

func localeFor(lang string) (locale, error) {
	l, ok := locales[lang]
	if !ok {
		return locale{}, fmt.Errorf("reports: language %q: %w", lang, ErrBadLanguage)
	}
	return l, nil
}

func (l locale) title(c col) string {
	if l.en {
		return cols[c].en
	}
	return cols[c].zh
}

// ExportProductsXLSX writes ps as a workbook in the import template's form,
// with headers in lang ("zh" or "en"): one sheet 商品 (Products) with a
// frozen header row and a filter, prices as numbers in yuan shown as ¥12.50,
// stock with up to three decimals. ImportProducts reads it back unchanged
// (but for ID, Pinyin and Initials, which it does not hold). It streams the
// rows, so 100,000 products take about a second.
func ExportProductsXLSX(w io.Writer, ps []pos.Product, lang string) error {
	l, err := localeFor(lang)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close() // the workbook is in memory; WriteTo reported any error
	if err := f.SetSheetName(f.GetSheetName(0), l.sheet); err != nil {
		return fmt.Errorf("reports: export products: %w", err)
	}
	if err := writeProducts(f, l, ps); err != nil {
		return fmt.Errorf("reports: export products: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("reports: export products: write: %w", err)
	}
	return nil
}

// ExportProductsFile writes ExportProductsXLSX to path. It writes a
// temporary file beside it and renames it, so a failed export never leaves
// half a workbook where the owner's file was.
func ExportProductsFile(path string, ps []pos.Product, lang string) error {
	return writeFileAtomic(path, func(w io.Writer) error { return ExportProductsXLSX(w, ps, lang) })
}

// writeProducts streams ps to the sheet l.sheet, which must exist and be
// empty.
func writeProducts(f *excelize.File, l locale, ps []pos.Product) error {
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(l.sheet)
	if err != nil {
		return err
	}
	// The stream writer shares the worksheet with AutoFilter until Flush, and
	// writes the filter after the rows: set here, it lands in the file.
	last, _ := excelize.CoordinatesToCellName(int(numCols), len(ps)+1) // in range: cannot fail
	if err := f.AutoFilter(l.sheet, "A1:"+last, nil); err != nil {
		return err
	}
	if err := layout(sw, l, st); err != nil {
		return err
	}
	row := make([]any, numCols)
	for i := range ps {
		fillRow(row, &ps[i], l, st)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// layout sets the column widths, freezes the header row and writes it.
func layout(sw *excelize.StreamWriter, l locale, st styles) error {
	head := make([]any, numCols)
	for c := range numCols {
		if err := sw.SetColWidth(int(c)+1, int(c)+1, cols[c].width); err != nil {
			return err
		}
		head[c] = excelize.Cell{StyleID: st.header, Value: l.title(c)}
	}
	err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
	if err != nil {
		return err
	}
	return sw.SetRow("A1", head, excelize.RowOpts{Height: 20})
}

// fillRow puts p's cells in row, in column order.
func fillRow(row []any, p *pos.Product, l locale, st styles) {
	row[colBarcode] = excelize.Cell{StyleID: st.text, Value: p.Barcode}
	row[colName] = p.Name
	row[colCategory] = p.Category
	row[colUnit] = p.Unit
	row[colPrice] = excelize.Cell{StyleID: st.yuan, Value: yuanCell(p.Price)}
	row[colMember] = nil
	if p.MemberPrice > 0 {
		row[colMember] = excelize.Cell{StyleID: st.yuan, Value: yuanCell(p.MemberPrice)}
	}
	row[colByWeight] = pick(p.ByWeight, l.yes, l.no)
	row[colStock] = qtyCell(p.Stock)
	row[colActive] = pick(p.Active, l.on, l.off)
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// styles are the cell styles of a product sheet.
type styles struct{ header, text, yuan int }

// yuanNumFmt shows a yuan cell as ¥1,234.50; the quotes keep ¥ literal in
// every spreadsheet program.
const yuanNumFmt = `"¥"#,##0.00`

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	var err error
	numFmt := yuanNumFmt
	for _, s := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&st.header, &excelize.Style{Font: &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&st.text, &excelize.Style{NumFmt: 49}}, // "@": a barcode stays text when edited
		{&st.yuan, &excelize.Style{CustomNumFmt: &numFmt}},
	} {
		if *s.id, err = f.NewStyle(s.style); err != nil {
			return styles{}, err
		}
	}
	return st, nil
}

// yuanCell turns fen into the number a yuan cell holds: the only place a
// float64 holds an amount. It parses Fen.String's exact decimal text, so the
// cell is the nearest double to the amount (12.5 for ¥12.50) and excelize
// writes that decimal back unchanged; no arithmetic touches the fen.
func yuanCell(f money.Fen) float64 {
	v, _ := strconv.ParseFloat(f.String(), 64) // String gives digits and a point: cannot fail
	return v
}

// qtyCell turns a quantity into a number cell the same way, sign included
// (pos.Qty.String does not format negative quantities).
func qtyCell(q pos.Qty) float64 {
	if q < 0 {
		return -qtyCell(-q)
	}
	v, _ := strconv.ParseFloat(q.String(), 64) // digits and a point: cannot fail
	return v
}

// WriteTemplateXLSX writes the template shop owners download and fill in:
// the product sheet's header with two example rows, and a second sheet
// (说明, or Help for "en") explaining each column.
func WriteTemplateXLSX(w io.Writer, lang string) error {
	l, err := localeFor(lang)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close() // the workbook is in memory; WriteTo reported any error
	if err := f.SetSheetName(f.GetSheetName(0), l.sheet); err != nil {
		return fmt.Errorf("reports: template: %w", err)
	}
	if err := writeProducts(f, l, templateExamples(l)); err != nil {
		return fmt.Errorf("reports: template: %w", err)
	}
	if err := writeHelp(f, l); err != nil {
		return fmt.Errorf("reports: template: %w", err)
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("reports: template: write: %w", err)
	}
	return nil
}

// templateExamples are the template's rows: one piece good with an EAN-13,
// one weighed good with the shop's own code and a member price.
func templateExamples(l locale) []pos.Product {
	ps := []pos.Product{
		{Barcode: "6901234567892", Name: "可口可乐 330ml", Category: "饮料", Unit: "罐",
			Price: 350, Stock: 24 * pos.OnePiece, Active: true},
		{Barcode: "2110001000003", Name: "红富士苹果", Category: "生鲜果蔬", Unit: "kg",
			Price: 1200, MemberPrice: 1080, ByWeight: true, Stock: 12_500, Active: true},
	}
	if l.en {
		ps[0].Name, ps[0].Category, ps[0].Unit = "Coca-Cola 330ml", "Drinks", "can"
		ps[1].Name, ps[1].Category = "Fuji apples", "Fruit & veg"
	}
	return ps
}

// writeHelp adds the sheet that explains the columns.
func writeHelp(f *excelize.File, l locale) error {
	if _, err := f.NewSheet(l.helpSheet); err != nil {
		return err
	}
	rows := helpRows(l)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(l.helpSheet, cell, &r); err != nil {
			return err
		}
	}
	for c, width := range []float64{12, 14, 10, 90} {
		name, _ := excelize.ColumnNumberToName(c + 1)
		if err := f.SetColWidth(l.helpSheet, name, name, width); err != nil {
			return err
		}
	}
	return nil
}

func helpRows(l locale) [][]any {
	intro := []string{
		"第一行是表头，列的顺序可以调整，多余的列会被忽略；也可以用英文表头（barcode, name, …）。",
		"支持 .xlsx 和 .csv 文件（CSV 可以是 UTF-8 或 Excel 默认的 GBK 编码）。",
		"只要有一行出错，整个文件都不会导入；会列出每一个出错的行号和原因，改好后重新导入即可。",
		"", // a blank line before the table
	}
	head := []any{"列名", "英文列名", "是否必填", "说明"}
	if l.en {
		intro = []string{
			"Row 1 is the header; columns may come in any order and extra columns are ignored. Chinese headers work too.",
			"Files may be .xlsx or .csv (UTF-8, or GBK as Excel saves it in China).",
			"If any row is wrong, nothing is imported: every wrong row is listed with the reason. Fix them and import again.",
			"",
		}
		head = []any{"Column", "Chinese", "Required", "Description"}
	}
	var rows [][]any
	for _, s := range intro {
		rows = append(rows, []any{s})
	}
	rows = append(rows, head)
	for c := range numCols {
		rows = append(rows, helpRow(cols[c], l))
	}
	return rows
}

func helpRow(s colSpec, l locale) []any {
	if l.en {
		return []any{s.en, s.zh, pick(s.required, "yes", "no"), s.helpEn}
	}
	return []any{s.zh, s.en, pick(s.required, "必填", "可选"), s.helpZh}
}
