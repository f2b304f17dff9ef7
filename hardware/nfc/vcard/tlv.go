package vcard

import "encoding/hex"

// tlv encodes one BER-TLV object: the tag given in hex ("9F38"), a minimal
// length, and the concatenated parts as the value. It is deliberately not
// package nfc's encoder (see the package comment).
func tlv(tag string, parts ...[]byte) []byte {
	var value []byte
	for _, p := range parts {
		value = append(value, p...)
	}
	out := mustHex(tag)
	switch n := len(value); {
	case n < 0x80:
		out = append(out, byte(n))
	case n <= 0xFF:
		out = append(out, 0x81, byte(n))
	default:
		out = append(out, 0x82, byte(n>>8), byte(n))
	}
	return append(out, value...)
}

// mustHex decodes a hex literal of this package.
func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic("vcard: bad hex literal " + s)
	}
	return b
}

// cn packs digits as BCD, padded with F to whole bytes (format cn).
func cn(digits string) []byte {
	if len(digits)%2 == 1 {
		digits += "F"
	}
	return mustHex(digits)
}
