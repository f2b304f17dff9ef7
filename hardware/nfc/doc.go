// Package nfc reads contactless cards at the till: the ISO 7816-4 APDU layer,
// a BER-TLV decoder, the EMV contactless read (PPSE, SELECT, GET PROCESSING
// OPTIONS, READ RECORD) and the UID of member cards.
//
// It is pure: it talks to a card only through a Transceiver, so the same code
// runs over a PC/SC reader (package nfc/pcsc, the only importer of cgo and
// ebfe/scard), over vpcd with a virtual card (package nfc/vcard) and over a
// function in a test. It must not import cgo, the network or anything else of
// ours; deps_test.go holds it to that.
//
// Card numbers are sensitive (DESIGN.md, Privacy): a Card keeps its PAN and
// track data only in memory, prints them masked (first 6 / last 4) in every
// format, and offers a keyed token for storage and Wipe for when it is done.
// Errors never carry card data.
package nfc
