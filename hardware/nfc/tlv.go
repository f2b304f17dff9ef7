package nfc

import "fmt"

// Tag is a BER-TLV tag as its bytes read big-endian: 0x5A, 0x9F26, 0xBF0C.
type Tag uint32

// Tags this package reads or fills (EMV Book 3 Annex A).
const (
	TagFCI            Tag = 0x6F   // file control information template
	TagDFName         Tag = 0x84   // dedicated file (AID) name
	TagFCIProprietary Tag = 0xA5   // FCI proprietary template
	TagFCIDiscretion  Tag = 0xBF0C // FCI issuer discretionary data
	TagDirEntry       Tag = 0x61   // application template (PPSE entry)
	TagAID            Tag = 0x4F   // application identifier
	TagLabel          Tag = 0x50   // application label
	TagPriority       Tag = 0x87   // application priority indicator
	TagPreferredName  Tag = 0x9F12 // application preferred name
	TagPDOL           Tag = 0x9F38 // processing options data object list
	TagCommandData    Tag = 0x83   // command template (GPO data)
	TagRMTFormat1     Tag = 0x80   // response message template format 1
	TagRMTFormat2     Tag = 0x77   // response message template format 2
	TagRecord         Tag = 0x70   // READ RECORD response template
	TagAIP            Tag = 0x82   // application interchange profile
	TagAFL            Tag = 0x94   // application file locator
	TagPAN            Tag = 0x5A   // application primary account number
	TagTrack2         Tag = 0x57   // track 2 equivalent data
	TagExpiry         Tag = 0x5F24 // application expiration date YYMMDD
	TagPSN            Tag = 0x5F34 // PAN sequence number
	TagCryptogram     Tag = 0x9F26 // application cryptogram
	TagCID            Tag = 0x9F27 // cryptogram information data
	TagATC            Tag = 0x9F36 // application transaction counter
	TagIAD            Tag = 0x9F10 // issuer application data
	TagAmount         Tag = 0x9F02 // amount, authorised (n12)
	TagAmountOther    Tag = 0x9F03 // amount, other (n12)
	TagCurrency       Tag = 0x5F2A // transaction currency code (n3)
	TagCountry        Tag = 0x9F1A // terminal country code (n3)
	TagDate           Tag = 0x9A   // transaction date YYMMDD (n6)
	TagTime           Tag = 0x9F21 // transaction time HHMMSS (n6)
	TagTxnType        Tag = 0x9C   // transaction type (n2)
	TagUN             Tag = 0x9F37 // unpredictable number
	TagTTQ            Tag = 0x9F66 // terminal transaction qualifiers
	TagTVR            Tag = 0x95   // terminal verification results
	TagTerminalType   Tag = 0x9F35 // terminal type (n2)
)

// String is the tag's hex, two digits a byte: "5A", "9F26".
func (t Tag) String() string {
	return fmt.Sprintf("%X", t.bytes())
}

// bytes returns the tag's encoding.
func (t Tag) bytes() []byte {
	switch {
	case t > 0xFFFFFF:
		return []byte{byte(t >> 24), byte(t >> 16), byte(t >> 8), byte(t)}
	case t > 0xFFFF:
		return []byte{byte(t >> 16), byte(t >> 8), byte(t)}
	case t > 0xFF:
		return []byte{byte(t >> 8), byte(t)}
	default:
		return []byte{byte(t)}
	}
}

// Constructed reports whether the tag's value is itself a list of TLVs
// (bit 6 of its first byte).
func (t Tag) Constructed() bool {
	return t.bytes()[0]&0x20 != 0
}

// TLV is one decoded data object.
type TLV struct {
	Tag      Tag
	Value    []byte // the value bytes as read, for constructed objects too
	Children []TLV  // the decoded value of a constructed object
}

// Limits of the decoder: EMV tags are at most 3 bytes and lengths at most
// 2, so these leave room while keeping hostile input bounded.
const (
	maxTagBytes    = 4
	maxLengthBytes = 4
	maxDepth       = 16
)

// TLVError says where and why a TLV could not be decoded. It wraps
// ErrMalformedTLV.
type TLVError struct {
	Offset int    // byte offset in the buffer given to Parse
	Reason string // what was wrong there
}

// Error says where the TLV broke.
func (e *TLVError) Error() string {
	return fmt.Sprintf("nfc: malformed TLV at byte %d: %s", e.Offset, e.Reason)
}

// Unwrap returns ErrMalformedTLV.
func (e *TLVError) Unwrap() error { return ErrMalformedTLV }

// Parse decodes a sequence of BER-TLV data objects (EMV Book 3 Annex B):
// multi-byte tags, short and long form lengths, constructed objects decoded
// into Children. The 00 and FF bytes EMV allows between objects are skipped.
// Indefinite lengths, truncation, lengths past the end and nesting deeper
// than 16 yield a *TLVError. Values alias b.
func Parse(b []byte) ([]TLV, error) {
	return parseAt(b, 0, 0)
}

// parseAt decodes b, which starts at offset base of the outer buffer.
func parseAt(b []byte, base, depth int) ([]TLV, error) {
	if depth > maxDepth {
		return nil, &TLVError{Offset: base, Reason: fmt.Sprintf("nested deeper than %d", maxDepth)}
	}
	var out []TLV
	for i := 0; i < len(b); {
		if b[i] == 0x00 || b[i] == 0xFF { // padding between objects
			i++
			continue
		}
		t, n, err := parseOne(b[i:], base+i, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		i += n
	}
	return out, nil
}

// parseOne decodes the object at the start of b and returns its size.
func parseOne(b []byte, off, depth int) (TLV, int, error) {
	tag, tn, err := parseTag(b, off)
	if err != nil {
		return TLV{}, 0, err
	}
	length, ln, err := parseLength(b[tn:], off+tn)
	if err != nil {
		return TLV{}, 0, err
	}
	start := tn + ln
	if length > uint64(len(b)-start) {
		return TLV{}, 0, &TLVError{Offset: off + tn, Reason: fmt.Sprintf(
			"tag %s: length %d overruns the %d bytes left", tag, length, len(b)-start)}
	}
	end := start + int(length)
	t := TLV{Tag: tag, Value: b[start:end:end]}
	if tag.Constructed() {
		if t.Children, err = parseAt(t.Value, off+start, depth+1); err != nil {
			return TLV{}, 0, err
		}
	}
	return t, end, nil
}

// parseTag reads a tag: one byte, or more when its low 5 bits are all set,
// continuing while bit 8 of each further byte is set.
func parseTag(b []byte, off int) (Tag, int, error) {
	tag := Tag(b[0])
	if b[0]&0x1F != 0x1F {
		return tag, 1, nil
	}
	for i := 1; ; i++ {
		if i >= maxTagBytes {
			return 0, 0, &TLVError{Offset: off, Reason: fmt.Sprintf("tag longer than %d bytes", maxTagBytes)}
		}
		if i >= len(b) {
			return 0, 0, &TLVError{Offset: off, Reason: "truncated tag"}
		}
		tag = tag<<8 | Tag(b[i])
		if b[i]&0x80 == 0 {
			return tag, i + 1, nil
		}
	}
}

// parseLength reads a short form (0..127) or long form (81..84 and that many
// bytes) length.
func parseLength(b []byte, off int) (uint64, int, error) {
	if len(b) == 0 {
		return 0, 0, &TLVError{Offset: off, Reason: "missing length"}
	}
	first := b[0]
	switch {
	case first < 0x80:
		return uint64(first), 1, nil
	case first == 0x80:
		return 0, 0, &TLVError{Offset: off, Reason: "indefinite length"}
	case int(first&0x7F) > maxLengthBytes:
		return 0, 0, &TLVError{Offset: off, Reason: fmt.Sprintf("length of %d bytes", first&0x7F)}
	}
	n := int(first & 0x7F)
	if len(b) < 1+n {
		return 0, 0, &TLVError{Offset: off, Reason: "truncated length"}
	}
	var length uint64
	for _, c := range b[1 : 1+n] {
		length = length<<8 | uint64(c)
	}
	return length, 1 + n, nil
}

// Find returns the first object with tag, searching depth first through
// Children, or nil.
func Find(tlvs []TLV, tag Tag) *TLV {
	for i := range tlvs {
		if tlvs[i].Tag == tag {
			return &tlvs[i]
		}
		if t := Find(tlvs[i].Children, tag); t != nil {
			return t
		}
	}
	return nil
}

// Encode is the inverse of Parse: it writes the objects with minimal
// lengths, constructed objects from their Children.
func Encode(tlvs []TLV) []byte {
	var b []byte
	for _, t := range tlvs {
		value := t.Value
		if t.Tag.Constructed() {
			value = Encode(t.Children)
		}
		b = append(b, t.Tag.bytes()...)
		b = appendLength(b, len(value))
		b = append(b, value...)
	}
	return b
}

// appendLength writes n in the shortest BER form.
func appendLength(b []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(b, byte(n))
	case n <= 0xFF:
		return append(b, 0x81, byte(n))
	case n <= 0xFFFF:
		return append(b, 0x82, byte(n>>8), byte(n))
	case n <= 0xFFFFFF:
		return append(b, 0x83, byte(n>>16), byte(n>>8), byte(n))
	default:
		return append(b, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}
