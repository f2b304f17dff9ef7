package wechatpay

import (
	"errors"
	"maps"
	"testing"

	"zhanggui/pos/money"
)

var xmlTests = []struct {
	name string
	in   string
	want map[string]string // nil: malformed
}{
	{"cdata and bare numbers", `<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee>1</total_fee></xml>`,
		map[string]string{"return_code": "SUCCESS", "total_fee": "1"}},
	{"whitespace between fields", "<xml>\n  <a>1</a>\n  <b><![CDATA[二]]></b>\n</xml>", map[string]string{"a": "1", "b": "二"}},
	{"escaped text", `<xml><body>A&amp;B &lt;1&gt;</body></xml>`, map[string]string{"body": "A&B <1>"}},
	{"cdata holding markup", `<xml><detail><![CDATA[<x>&amp;</x>]]></detail></xml>`, map[string]string{"detail": "<x>&amp;</x>"}},
	{"empty field", `<xml><attach></attach><device_info/></xml>`, map[string]string{"attach": "", "device_info": ""}},
	{"empty message", `<xml></xml>`, map[string]string{}},
	{"xml declaration", `<?xml version="1.0" encoding="UTF-8"?><xml><a>1</a></xml>`, map[string]string{"a": "1"}},
	{"other root", `<root><a>1</a></root>`, nil},
	{"two roots", `<xml><a>1</a></xml><xml><a>2</a></xml>`, nil},
	{"nested", `<xml><a><b>1</b></a></xml>`, nil},
	{"repeated field", `<xml><result_code>FAIL</result_code><result_code>SUCCESS</result_code></xml>`, nil},
	{"stray text", `<xml>oops<a>1</a></xml>`, nil},
	{"doctype", `<!DOCTYPE xml [<!ENTITY x "y">]><xml><a>&x;</a></xml>`, nil},
	{"cut off", `<xml><a>1</a>`, nil},
	{"not xml", `{"code":"SUCCESS"}`, nil},
	{"empty", ``, nil},
	{"unknown entity", `<xml><a>&nbsp;</a></xml>`, nil},
}

func TestParseXML(t *testing.T) {
	for _, tt := range xmlTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseXML([]byte(tt.in))
			if tt.want == nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("parseXML = %v, %v; want ErrMalformed", got, err)
				}
				return
			}
			if err != nil || !maps.Equal(got, tt.want) {
				t.Errorf("parseXML = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// FuzzParseWechatXML: the parser never panics, and whatever it accepts
// survives encodeXML and a second parse unchanged, so a message the till
// signs is the message it sends.
func FuzzParseWechatXML(f *testing.F) {
	for _, tt := range xmlTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseXML(b)
		if err != nil {
			return
		}
		back, err := parseXML(encodeXML(m))
		if err != nil {
			t.Fatalf("encodeXML(%v) does not parse: %v", m, err)
		}
		for k, v := range m {
			if back[k] != v && validXMLText(v) {
				t.Fatalf("field %s: %q became %q", k, v, back[k])
			}
		}
	})
}

// validXMLText reports whether s survives XML escaping: the decoder turns
// invalid UTF-8 and \r into something else, which is no client bug.
func validXMLText(s string) bool {
	for _, r := range s {
		if r == '\uFFFD' || r == '\r' {
			return false
		}
	}
	return true
}

// TestSignVector is PROTOCOLS.md §2.1's vector, checked with md5sum and
// openssl.
func TestSignVector(t *testing.T) {
	m := map[string]string{"appid": "wxd930ea5d5a258f4f", "body": "test", "device_info": "1000",
		"mch_id": "10000100", "nonce_str": "ibuaiVcKdpRxkhJA", "empty": "", "sign": "ignored"}
	key := "192006250b4c09247ec02edce69f6a2d"
	if got, want := signV2(m, key, SignMD5), "9A0A8659F005D6984697E2CA0A9CF3B7"; got != want {
		t.Errorf("MD5 sign = %s, want %s", got, want)
	}
	if got, want := signV2(m, key, SignHMACSHA256),
		"6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6"; got != want {
		t.Errorf("HMAC-SHA256 sign = %s, want %s", got, want)
	}
}

var fenTests = []struct {
	in   string
	want money.Fen
	ok   bool
}{
	{"1", 1, true},
	{"8888", 8888, true},
	{"100000000000", money.MaxFen, true},
	{"0", 0, true},
	{"100000000001", 0, false}, // above money.MaxFen
	{"", 0, false},
	{"-1", 0, false},
	{"+1", 0, false},
	{"88.88", 0, false}, // yuan where fen belong
	{"0100", 0, false},
	{" 1", 0, false},
	{"1e3", 0, false},
	{"9999999999999", 0, false},
}

func TestParseFen(t *testing.T) {
	for _, tt := range fenTests {
		got, err := parseFen(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("parseFen(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestFenString(t *testing.T) {
	tests := []struct {
		in   money.Fen
		want string
		ok   bool
	}{
		{1, "1", true}, {8888, "8888", true}, {money.MaxFen, "100000000000", true},
		{0, "", false}, {-1, "", false}, {money.MaxFen + 1, "", false},
	}
	for _, tt := range tests {
		got, err := fenString(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("fenString(%d) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// FuzzParseFen: what parses formats back to the same text.
func FuzzParseFen(f *testing.F) {
	for _, tt := range fenTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseFen(s)
		if err != nil || n == 0 {
			return
		}
		if back, err := fenString(n); err != nil || back != s {
			t.Fatalf("%q → %d → %q, %v", s, n, back, err)
		}
	})
}

func TestMaskOpenID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "oUpF****eS6o"},
		{"short", "*****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := maskOpenID(tt.in); got != tt.want {
			t.Errorf("maskOpenID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBody(t *testing.T) {
	long := ""
	for range 50 {
		long += "可乐"
	}
	if got := body(long); len(got) > 127 || len(got) != 126 {
		t.Errorf("body of %d bytes cut to %d", len(long), len(got))
	}
	if got := body(""); got != "掌柜收银" {
		t.Errorf("body(\"\") = %q", got)
	}
}
