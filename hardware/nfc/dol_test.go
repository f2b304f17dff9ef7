package nfc

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// qpbocPDOL is a UnionPay QuickPass PDOL: TTQ, amounts, country, TVR,
// currency, date, type, UN and the EC indicator 9F7A.
const qpbocPDOL = "9F66049F02069F03069F1A0295055F2A029A039C019F37049F7A01"

func TestParseDOL(t *testing.T) {
	tests := []struct {
		name, in string
		want     []DOLEntry
	}{
		{"empty", "", nil},
		{"qPBOC", qpbocPDOL, []DOLEntry{
			{0x9F66, 4}, {0x9F02, 6}, {0x9F03, 6}, {0x9F1A, 2}, {0x95, 5},
			{0x5F2A, 2}, {0x9A, 3}, {0x9C, 1}, {0x9F37, 4}, {0x9F7A, 1},
		}},
		{"CDOL1 of a real card", "9F02069F03069F1A0295055F2A029A039C019F3704",
			[]DOLEntry{{0x9F02, 6}, {0x9F03, 6}, {0x9F1A, 2}, {0x95, 5}, {0x5F2A, 2}, {0x9A, 3}, {0x9C, 1}, {0x9F37, 4}}},
		{"three-byte tag", "DF810104", []DOLEntry{{0xDF8101, 4}}},
		{"length above 127 is one byte", "9F4E80", []DOLEntry{{0x9F4E, 128}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDOL(mustHex(tt.in))
			if err != nil {
				t.Fatalf("ParseDOL(%s) error %v", tt.in, err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("ParseDOL(%s) mismatch (-want +got):\n%s", tt.in, d)
			}
		})
	}
	for _, bad := range []string{"9F66", "9F", "9F6604 9F02"} {
		if _, err := ParseDOL(mustHex(strings.ReplaceAll(bad, " ", ""))); !errors.Is(err, ErrMalformedTLV) {
			t.Errorf("ParseDOL(%s) error = %v, want ErrMalformedTLV", bad, err)
		}
	}
}

func TestFillDOL(t *testing.T) {
	values := map[Tag][]byte{
		TagAmount:  mustHex("000000012345"),
		TagCountry: mustHex("000156"),     // longer numeric: cut on the left
		TagTxnType: nil,                   // missing value: zeros
		TagTTQ:     mustHex("3600"),       // shorter binary: padded on the right
		TagUN:      mustHex("0102030405"), // longer binary: cut on the right
		TagDate:    mustHex("0712"),       // shorter numeric: padded on the left
	}
	dol := []DOLEntry{
		{TagAmount, 6}, {TagCountry, 2}, {TagTxnType, 1}, {TagTTQ, 4}, {TagUN, 4}, {TagDate, 3}, {0x9F7A, 1}, {TagAmount, 4},
	}
	got := FillDOL(dol, values)
	want := "000000012345" + "0156" + "00" + "36000000" + "01020304" + "000712" + "00" + "00012345"
	if g := strings.ToUpper(hex.EncodeToString(got)); g != want {
		t.Errorf("FillDOL() = %s, want %s", g, want)
	}
	if n := DOLSize(dol); n != len(got) {
		t.Errorf("DOLSize() = %d, FillDOL wrote %d bytes", n, len(got))
	}
}

func TestTransactionValues(t *testing.T) {
	at := time.Date(2026, 3, 7, 9, 45, 30, 0, time.FixedZone("CST", 8*3600))
	txn := Transaction{Amount: 12345, OtherAmount: 100, At: at, Type: 0x00, Rand: bytes.NewReader([]byte{0xDE, 0xAD, 0xBE, 0xEF})}
	v, err := txn.pdolValues()
	if err != nil {
		t.Fatal(err)
	}
	want := map[Tag]string{
		TagAmount: "000000012345", TagAmountOther: "000000000100", TagCurrency: "0156", TagCountry: "0156",
		TagDate: "260307", TagTime: "094530", TagTxnType: "00", TagUN: "DEADBEEF", TagTTQ: "36000080",
		TagTVR: "0000000000", TagTerminalType: "22",
	}
	for tag, w := range want {
		if got := strings.ToUpper(hex.EncodeToString(v[tag])); got != w {
			t.Errorf("value of %s = %s, want %s", tag, got, w)
		}
	}
	txn = Transaction{Currency: 840, Country: 344, TTQ: [4]byte{0x28}, Extra: map[Tag][]byte{0x9F4E: []byte("SHOP")}}
	if v, err = txn.pdolValues(); err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(append(append(v[TagCurrency], v[TagCountry]...), v[TagTTQ]...)); got != "0840034428000000" {
		t.Errorf("currency, country, TTQ = %s, want 0840 0344 28000000", got)
	}
	if string(v[0x9F4E]) != "SHOP" {
		t.Errorf("Extra 9F4E = %q, want SHOP", v[0x9F4E])
	}
	for _, bad := range []Transaction{{Amount: -1}, {Amount: MaxAmount + 1}, {OtherAmount: -5}, {Currency: 1000}, {Country: -1}} {
		if _, err := bad.pdolValues(); err == nil {
			t.Errorf("pdolValues of %+v: no error", bad)
		}
	}
}

// FuzzParseDOL checks that ParseDOL never panics and that what it accepts
// fills to exactly DOLSize bytes.
func FuzzParseDOL(f *testing.F) {
	for _, h := range []string{"", qpbocPDOL, "9F02069F03069F1A0295055F2A029A039C019F3704", "DF810104", "9F4E80", "9F66", "9F"} {
		f.Add(mustHex(h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		dol, err := ParseDOL(b)
		if err != nil {
			if !errors.Is(err, ErrMalformedTLV) {
				t.Fatalf("ParseDOL(%X) error %v does not wrap ErrMalformedTLV", b, err)
			}
			return
		}
		if got, want := len(FillDOL(dol, nil)), DOLSize(dol); got != want {
			t.Fatalf("FillDOL of %X wrote %d bytes, DOLSize says %d", b, got, want)
		}
	})
}
