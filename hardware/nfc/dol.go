package nfc

import "fmt"

// DOLEntry is one item of a data object list (PDOL, CDOL1, DDOL): the tag the
// card asks for and how many bytes it wants.
type DOLEntry struct {
	Tag Tag
	Len int
}

// ParseDOL decodes a data object list: tags followed by a one-byte length
// each (EMV Book 3 §5.4), no values. A truncated entry yields a *TLVError.
func ParseDOL(b []byte) ([]DOLEntry, error) {
	var out []DOLEntry
	for i := 0; i < len(b); {
		tag, n, err := parseTag(b[i:], i)
		if err != nil {
			return nil, err
		}
		if i+n >= len(b) {
			return nil, &TLVError{Offset: i, Reason: fmt.Sprintf("DOL entry %s has no length", tag)}
		}
		out = append(out, DOLEntry{Tag: tag, Len: int(b[i+n])})
		i += n + 1
	}
	return out, nil
}

// DOLSize is the number of bytes FillDOL writes for dol.
func DOLSize(dol []DOLEntry) int {
	n := 0
	for _, e := range dol {
		n += e.Len
	}
	return n
}

// numericTags are the tags of format n (BCD, right-aligned): EMV pads and
// cuts them on the left, everything else on the right.
var numericTags = map[Tag]bool{
	TagAmount: true, TagAmountOther: true, TagCurrency: true, TagCountry: true,
	TagDate: true, TagTime: true, TagTxnType: true, TagTerminalType: true,
	0x5F36: true, // transaction currency exponent
	0x9F41: true, // transaction sequence counter
	0x9F15: true, // merchant category code
}

// FillDOL concatenates the values dol asks for, each made exactly as long as
// its entry says (EMV Book 3 §5.4): a longer numeric value loses its leftmost
// bytes and a shorter one gains leading zeros; other values are cut or
// zero-padded on the right; a tag missing from values is all zeros.
func FillDOL(dol []DOLEntry, values map[Tag][]byte) []byte {
	out := make([]byte, 0, DOLSize(dol))
	for _, e := range dol {
		out = append(out, fit(values[e.Tag], e.Len, numericTags[e.Tag])...)
	}
	return out
}

// fit returns v as exactly n bytes, aligned right when numeric.
func fit(v []byte, n int, numeric bool) []byte {
	out := make([]byte, n)
	switch {
	case numeric && len(v) >= n:
		copy(out, v[len(v)-n:])
	case numeric:
		copy(out[n-len(v):], v)
	default:
		copy(out, v)
	}
	return out
}
