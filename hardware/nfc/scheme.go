package nfc

import (
	"bytes"
	"encoding/hex"
)

// Application describes a payment application the till supports.
type Application struct {
	AID     []byte
	Scheme  string // "UnionPay", "Visa", "Mastercard"
	Product string // "Debit", "Credit", ...; "" when only the scheme is known
	Chinese string // what the receipt and the screen call it
}

// Name is the scheme and product: "UnionPay Debit", "Visa".
func (a Application) Name() string {
	if a.Product == "" {
		return a.Scheme
	}
	return a.Scheme + " " + a.Product
}

// ridLen is the length of a registered application provider identifier, the
// first 5 bytes of every AID (ISO 7816-5).
const ridLen = 5

// KnownApplications lists the AIDs the till supports, most specific first
// (PROTOCOLS.md §4.2). The entries with a bare RID match every other AID of
// the scheme.
var KnownApplications = []Application{
	{AID: mustHex("A000000333010101"), Scheme: "UnionPay", Product: "Debit", Chinese: "银联借记卡"},
	{AID: mustHex("A000000333010102"), Scheme: "UnionPay", Product: "Credit", Chinese: "银联贷记卡"},
	{AID: mustHex("A000000333010103"), Scheme: "UnionPay", Product: "Quasi-credit", Chinese: "银联准贷记卡"},
	{AID: mustHex("A000000333010106"), Scheme: "UnionPay", Product: "Electronic cash", Chinese: "银联电子现金"},
	{AID: mustHex("A0000000031010"), Scheme: "Visa", Product: "Credit/Debit", Chinese: "Visa 卡"},
	{AID: mustHex("A0000000032010"), Scheme: "Visa", Product: "Electron", Chinese: "Visa 卡"},
	{AID: mustHex("A0000000041010"), Scheme: "Mastercard", Product: "Credit/Debit", Chinese: "万事达卡"},
	{AID: mustHex("A000000333"), Scheme: "UnionPay", Chinese: "银联卡"},
	{AID: mustHex("A000000003"), Scheme: "Visa", Chinese: "Visa 卡"},
	{AID: mustHex("A000000004"), Scheme: "Mastercard", Chinese: "万事达卡"},
}

// LookupAID names the application of aid: an exact entry of
// KnownApplications, else its scheme by RID. ok is false for an AID of no
// supported scheme.
func LookupAID(aid []byte) (app Application, ok bool) {
	for _, a := range KnownApplications {
		if bytes.Equal(a.AID, aid) {
			return a, true
		}
	}
	for _, a := range KnownApplications {
		if len(a.AID) == ridLen && len(aid) >= ridLen && bytes.Equal(a.AID, aid[:ridLen]) {
			a.AID = bytes.Clone(aid)
			return a, true
		}
	}
	return Application{AID: bytes.Clone(aid), Scheme: "Unknown", Chinese: "未知卡"}, false
}

// mustHex decodes a hex literal of this package.
func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic("nfc: bad hex literal " + s)
	}
	return b
}
