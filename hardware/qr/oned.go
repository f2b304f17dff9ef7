package qr

import (
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// code128LenMin is the shortest Code-128 text accepted. Its mod-103 check
// still lets a rare run of random bars through as one to three characters;
// no code a till scans is that short.
const code128LenMin = 4

// newOneDReader returns a reader that tries each enabled 1-D format on every
// row it scans, so the rows are binarized once for all formats. Readers keep
// scratch buffers, so each Decode call makes its own. *seen is set when a
// row held a whole symbol that failed its check: evidence that a code is in
// view, worth a closer look.
func newOneDReader(formats FormatSet, seen *bool) *oned.OneDReader {
	rows := &rowDecoders{seen: seen}
	if formats&EAN13 != 0 {
		rows.readers = append(rows.readers, oned.NewEAN13Reader().(oned.RowDecoder))
	}
	if formats&Code128 != 0 {
		rows.readers = append(rows.readers, oned.NewCode128Reader().(oned.RowDecoder))
	}
	return oned.NewOneDReader(rows)
}

// rowDecoders tries each reader on a row and keeps only plausible results,
// so that an implausible read does not end the scan of the other rows.
type rowDecoders struct {
	readers []oned.RowDecoder
	seen    *bool
}

// DecodeRow implements oned.RowDecoder.
func (rs *rowDecoders) DecodeRow(n int, row *gozxing.BitArray, hints map[gozxing.DecodeHintType]any) (*gozxing.Result, error) {
	for _, r := range rs.readers {
		res, err := r.DecodeRow(n, row, hints)
		if err == nil && plausible1D(res) {
			return res, nil
		}
		switch err.(type) {
		case gozxing.ChecksumException, gozxing.FormatException:
			*rs.seen = true
		case nil:
			*rs.seen = true // read, but implausible
		}
	}
	return nil, gozxing.NewNotFoundException()
}

// plausible1D checks what gozxing already should have: an EAN-13 is 13
// digits with a good check digit; a Code-128 is printable and not too short.
func plausible1D(res *gozxing.Result) bool {
	text := res.GetText()
	switch res.GetBarcodeFormat() {
	case gozxing.BarcodeFormat_EAN_13:
		return ValidEAN13(text)
	case gozxing.BarcodeFormat_CODE_128:
		return len(text) >= code128LenMin && !strings.ContainsFunc(text, func(r rune) bool { return r < ' ' && r != 0x1d })
	default:
		return false
	}
}

// ValidEAN13 reports whether s is 13 digits whose last is the EAN check
// digit of the first 12.
func ValidEAN13(s string) bool {
	if len(s) != 13 {
		return false
	}
	sum := 0
	for i := 0; i < 13; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 1 && i < 12 {
			d *= 3
		}
		if i < 12 {
			sum += d
		}
	}
	return (10-sum%10)%10 == int(s[12]-'0')
}

// formatName maps gozxing's format to Result.Format.
func formatName(f gozxing.BarcodeFormat) string {
	switch f {
	case gozxing.BarcodeFormat_EAN_13:
		return FormatEAN13
	case gozxing.BarcodeFormat_CODE_128:
		return FormatCode128
	default:
		return FormatQR
	}
}
