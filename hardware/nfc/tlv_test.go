package nfc

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// realResponses are response data (status word removed) captured from real
// cards, with the PANs already masked by their publishers: the fuzz seeds
// and the canonical round-trip cases.
var realResponses = map[string]string{
	// devnied/EMV-NFC-Paycard-Enrollment library/src/test/resources/data/VisaCardPpse2
	"visa PPSE": "6F3B840E325041592E5359532E4444463031A529BF0C2661104F07A0000000421010500243428701016112" +
		"4F07A0000000031010500456495341870102",
	"visa select AID with PDOL": "6F378407A0000000421010A52C9F38189F66049F02069F03069F1A0295055F2A029A039C019F3704" +
		"BF0C0EDF60020B1EDF6101039F4D020B1E",
	"visa GPO format 1": "800E7C00080101001001010118010200",
	"visa record in 77": "77389F100706011A2380400457134999999999999999D15092FFFFFFFFFFFFFF0F" +
		"820220009F3602028F9F2608FFFFFFFFFFFFFFFF9F6C021000",
	// devnied .../data/MasterCardPpse
	"mastercard PPSE": "6F4D840E325041592E5359532E4444463031A53BBF0C3861164F07A000000042101087010150024342" +
		"9F280340020061" + "1E4F07A0000000041010870102500A4D4153544552434152449F2803400200",
	"mastercard GPO format 2": "771282021980940C100101011801010020010200",
	// binaryfoo/emv-bertlv contact-upi-in.txt via devnied .../data/UnionPayPseDirectory
	"unionpay PSE record": "701C611A4F08A000000333010102500B5549434320435245444954870101",
	// russss/python-emv emv/fixtures.py APP_DATA
	"record with CDOLs and 5A": "70688C159F02069F03069F1A0295055F2A029A039C019F37048D178A029F02069F03069F1A02" +
		"95055F2A029A039C019F37048E0A000000000000000001009F56128000FF000000000001FFFF00000000000000" +
		"9F5501A05A0846581234567890095F3401009F08020001",
}

// dumpTLV shows objects one per line, children indented: the expectations of
// the table tests.
func dumpTLV(tlvs []TLV) string {
	var sb strings.Builder
	var walk func([]TLV, string)
	walk = func(ts []TLV, indent string) {
		for _, t := range ts {
			if t.Tag.Constructed() {
				fmt.Fprintf(&sb, "%s%s{", indent, t.Tag)
				walk(t.Children, "")
				sb.WriteString("}")
			} else {
				fmt.Fprintf(&sb, "%s%s=%X", indent, t.Tag, t.Value)
			}
			indent = " "
		}
	}
	walk(tlvs, "")
	return sb.String()
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in, want string
		canonical      bool // Encode gives the input back
	}{
		{"empty", "", "", true},
		{"one primitive", "5A08 6222021001123456", "5A=6222021001123456", true},
		{"two-byte tag", "9F2701 80", "9F27=80", true},
		{"three-byte tag", "DF8101 02 AABB", "DF8101=AABB", true},
		{"zero length", "9F7A00", "9F7A=", true},
		{"long form 81", "5081" + "05" + "4142434445", "50=4142434445", false},
		{"long form 82", "50820003414243", "50=414243", false},
		{"long length 0x80", "9F10 81 80" + strings.Repeat("11", 128), "9F10=" + strings.Repeat("11", 128), true},
		{"nested FCI", "6F0B 8402 A000 A505 500341 4243", "6F{84=A000 A5{50=414243}}", true},
		{"constructed but empty", "7000", "70{}", true},
		{"padding 00 between objects", "5A01 11 00 00 5F2401 22", "5A=11 5F24=22", false},
		{"padding FF after a record", "7003 5A0111 FFFF", "70{5A=11}", false},
		{"siblings", "8202 7C00 9404 08010200", "82=7C00 94=08010200", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustHex(strings.ReplaceAll(tt.in, " ", ""))
			got, err := Parse(in)
			if err != nil {
				t.Fatalf("Parse(%X) error %v", in, err)
			}
			if d := dumpTLV(got); d != tt.want {
				t.Errorf("Parse(%X) = %s, want %s", in, d, tt.want)
			}
			if enc := Encode(got); tt.canonical && hex.EncodeToString(enc) != hex.EncodeToString(in) {
				t.Errorf("Encode(Parse(%X)) = %X", in, enc)
			}
		})
	}
}

func TestParseRealResponses(t *testing.T) {
	for name, h := range realResponses {
		in := mustHex(h)
		tlvs, err := Parse(in)
		if err != nil {
			t.Errorf("%s: Parse error %v", name, err)
			continue
		}
		if enc := Encode(tlvs); hex.EncodeToString(enc) != hex.EncodeToString(in) {
			t.Errorf("%s: Encode(Parse(b)) = %X, want %X", name, enc, in)
		}
	}
	tlvs, _ := Parse(mustHex(realResponses["mastercard PPSE"]))
	var labels []string
	for _, e := range Find(tlvs, TagFCIDiscretion).Children {
		labels = append(labels, string(Find(e.Children, TagLabel).Value))
	}
	if got, want := strings.Join(labels, ","), "CB,MASTERCARD"; got != want {
		t.Errorf("labels of the Mastercard PPSE = %s, want %s", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	deep := "" // 70 L 70 L ... 70 00, each length counting the rest
	for range maxDepth + 2 {
		deep = fmt.Sprintf("70%02X", len(deep)/2) + deep
	}
	tests := []struct {
		name, in string
		offset   int
		reason   string
	}{
		{"truncated value", "5A0812345678", 1, "overruns"},
		{"missing length", "9F27", 2, "missing length"},
		{"truncated tag", "9F", 0, "truncated tag"},
		{"tag too long", "9F8181818101", 0, "tag longer"},
		{"indefinite length", "708000005A00", 1, "indefinite"},
		{"length of 5 bytes", "5A850000000001", 1, "length of 5 bytes"},
		{"truncated long length", "5A8201", 1, "truncated length"},
		{"huge length", "5A84FFFFFFFF00", 1, "overruns"},
		{"broken child", "6F05 A503 5A0511", 5, "overruns"},
		{"too deep", deep, 2 * (maxDepth + 1), "nested deeper"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustHex(strings.ReplaceAll(tt.in, " ", ""))
			got, err := Parse(in)
			var te *TLVError
			if !errors.As(err, &te) || !errors.Is(err, ErrMalformedTLV) {
				t.Fatalf("Parse(%X) = %s, %v; want a *TLVError", in, dumpTLV(got), err)
			}
			if te.Offset != tt.offset || !strings.Contains(te.Reason, tt.reason) {
				t.Errorf("Parse(%X) error = %v; want offset %d and %q", in, err, tt.offset, tt.reason)
			}
		})
	}
}

func TestFind(t *testing.T) {
	tlvs, err := Parse(mustHex(realResponses["visa select AID with PDOL"]))
	if err != nil {
		t.Fatal(err)
	}
	if got := Find(tlvs, TagPDOL); got == nil || len(got.Value) != 0x18 {
		t.Errorf("Find(9F38) = %v, want the 24-byte PDOL", got)
	}
	if got := Find(tlvs, 0xDF61); got == nil || hex.EncodeToString(got.Value) != "03" {
		t.Errorf("Find(DF61) inside BF0C = %v, want 03", got)
	}
	if got := Find(tlvs, TagPAN); got != nil {
		t.Errorf("Find(5A) = %v, want nil", got)
	}
}

func TestTag(t *testing.T) {
	for _, tt := range []struct {
		tag         Tag
		str         string
		constructed bool
	}{
		{0x5A, "5A", false}, {0x6F, "6F", true}, {0x9F26, "9F26", false},
		{0xBF0C, "BF0C", true}, {0xDF8101, "DF8101", false}, {0xFF8101, "FF8101", true},
	} {
		if got := tt.tag.String(); got != tt.str {
			t.Errorf("Tag(%#x).String() = %s, want %s", uint32(tt.tag), got, tt.str)
		}
		if got := tt.tag.Constructed(); got != tt.constructed {
			t.Errorf("Tag(%s).Constructed() = %v, want %v", tt.str, got, tt.constructed)
		}
	}
}

// FuzzParse checks that Parse never panics, that what it accepts encodes
// to no more bytes than it read, and that Encode and Parse then agree.
func FuzzParse(f *testing.F) {
	for _, h := range realResponses {
		f.Add(mustHex(h))
	}
	for _, h := range []string{"5A0812345678", "708000005A00", "9F8181818101", "6F05A5035A0511", "5A84FFFFFFFF00",
		"5081054142434445", "5A011100005F240122", "7003 5A0111FFFF"} {
		f.Add(mustHex(strings.ReplaceAll(h, " ", "")))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tlvs, err := Parse(b)
		if err != nil {
			if !errors.Is(err, ErrMalformedTLV) {
				t.Fatalf("Parse(%X) error %v does not wrap ErrMalformedTLV", b, err)
			}
			return
		}
		enc := Encode(tlvs)
		if len(enc) > len(b) {
			t.Fatalf("Encode(Parse(%X)) = %X is longer than its input", b, enc)
		}
		again, err := Parse(enc)
		if err != nil {
			t.Fatalf("Parse(Encode(Parse(%X))) error %v", b, err)
		}
		if d1, d2 := dumpTLV(tlvs), dumpTLV(again); d1 != d2 {
			t.Fatalf("round trip of %X changed %s into %s", b, d1, d2)
		}
	})
}
