package printer

import "fmt"

// Width is the paper a receipt is laid out for, in millimetres.
type Width int

// The paper widths the layout knows. Columns count the 12-dot characters of
// font A; a Chinese character takes two.
const (
	Paper58 Width = 58 // 384 dots, 32 columns, 16 Chinese characters
	Paper80 Width = 80 // 576 dots, 48 columns, 24 Chinese characters
)

// Columns reports how many ASCII characters fit on a line, or 0 for a width
// the package does not know.
func (w Width) Columns() int {
	switch w {
	case Paper58:
		return 32
	case Paper80:
		return 48
	}
	return 0
}

// Dots reports the printable width in dots (8 dots per millimetre), or 0 for
// a width the package does not know.
func (w Width) Dots() int { return w.Columns() * 12 }

func (w Width) valid() error {
	if w.Columns() == 0 {
		return fmt.Errorf("printer: paper width %d mm: want 58 or 80: %w", int(w), ErrInvalidDoc)
	}
	return nil
}

// Doc is one receipt as plain data. Every string is printed as given after
// characters the printer cannot print are replaced with '?'; the caller
// formats money, quantities and times. Empty fields and sections are left
// out, with a dashed rule between the sections that remain.
type Doc struct {
	Training bool // print a large 培训 TRAINING banner at the top and the bottom

	Shop    string   // shop name: large, bold, centred
	Address string   // centred under the name
	TaxNo   string   // 纳税人识别号, printed centred as "税号：…"
	Header  []string // further centred lines: phone, slogan
	Title   string   // bold and centred: "销售小票", "退货单"

	Meta    []Row  // 单号, 时间, 收银员: label left, value right
	Lines   []Line // the goods, under a 商品 数量 单价 金额 heading
	Totals  []Row  // 小计, 优惠, 合计 (Bold for the one that matters)
	Tenders []Row  // 现金, 找零, 微信支付
	Footer  []string

	// QR is printed as a QR code (model 2, error correction M) with the
	// printer's own GS ( k command, centred below the footer. It is sent as
	// raw bytes, so it must not contain control characters, and it holds at
	// most QRMax bytes.
	QR string

	Cut        bool // partial cut after the receipt (GS V 66 0); else feed for tearing
	OpenDrawer bool // pulse the cash drawer (ESC p 0) before printing
}

// Row is a label on the left of the paper and a value on the right.
type Row struct {
	Label string
	Value string
	Bold  bool // bold and double height, for 合计 and the like
}

// Line is one line of goods, with every field already formatted.
type Line struct {
	Name   string // wraps onto lines of its own when it does not fit beside the numbers
	Qty    string // "2", "0.356"
	Price  string // unit price: "3.50"
	Amount string // "7.00"; right-aligned in the last column
}

// QRMax is the longest QR payload Encode accepts, in bytes: what a version 40
// symbol holds at error correction level M in byte mode.
const QRMax = 2331

// validate reports a Doc that no printer can print: a bug in the caller, not
// a problem of the data, which Encode always prints as well as it can.
func (d *Doc) validate(w Width) error {
	if err := w.valid(); err != nil {
		return err
	}
	if len(d.QR) > QRMax {
		return fmt.Errorf("printer: QR payload is %d bytes, more than %d: %w", len(d.QR), QRMax, ErrInvalidDoc)
	}
	for i := 0; i < len(d.QR); i++ {
		// A control byte could end the command early or be taken for a
		// real-time command such as DLE EOT by the printer.
		if c := d.QR[i]; c < 0x20 || c == 0x7f {
			return fmt.Errorf("printer: QR payload has control byte %#02x at %d: %w", c, i, ErrInvalidDoc)
		}
	}
	return nil
}
