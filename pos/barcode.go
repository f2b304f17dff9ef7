package pos

import "strings"

// BarcodeKind says what a scanned code is.
type BarcodeKind int

// Kinds of scanned codes.
const (
	BarcodeInvalid BarcodeKind = iota
	BarcodeEAN13
	BarcodeEAN8
	BarcodeUPCA
	BarcodeInternal // a shop's own code: letters, digits, '-' up to 32
)

// ParseBarcode normalises a scanned or typed code and classifies it. EAN and
// UPC codes must carry a correct check digit: a misread is reported, never
// looked up as some other product.
func ParseBarcode(s string) (string, BarcodeKind, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 32 {
		return "", BarcodeInvalid, Errorf(CodeInvalid, "pos: barcode length %d: %w", len(s), ErrBadBarcode)
	}
	allDigits := strings.Trim(s, "0123456789") == ""
	if allDigits {
		switch len(s) {
		case 13:
			return checked(s, BarcodeEAN13)
		case 8:
			return checked(s, BarcodeEAN8)
		case 12:
			return checked(s, BarcodeUPCA)
		}
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_') {
			return "", BarcodeInvalid, Errorf(CodeInvalid, "pos: barcode character %q: %w", r, ErrBadBarcode)
		}
	}
	return strings.ToUpper(s), BarcodeInternal, nil
}

func checked(s string, k BarcodeKind) (string, BarcodeKind, error) {
	if !CheckDigitOK(s) {
		return "", BarcodeInvalid, Errorf(CodeInvalid, "pos: barcode %s check digit: %w", s, ErrBadBarcode)
	}
	return s, k, nil
}

// CheckDigitOK reports whether the last digit of an EAN-8/EAN-13/UPC-A code
// is its GS1 check digit.
func CheckDigitOK(s string) bool {
	if len(s) < 2 {
		return false
	}
	return s[len(s)-1]-'0' == CheckDigit(s[:len(s)-1])
}

// CheckDigit computes the GS1 check digit of the digits in body.
func CheckDigit(body string) byte {
	sum := 0
	for i := range len(body) {
		d := int(body[len(body)-1-i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte((10 - sum%10) % 10)
}
