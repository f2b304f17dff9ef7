package pos_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

func TestCardRoute(t *testing.T) {
	policy := pos.CardPolicy{FloorLimit: 10000}
	tests := []struct {
		name    string
		policy  pos.CardPolicy
		c       pos.CardCryptogram
		amount  money.Fen
		expired bool
		want    pos.CardRoute
		reason  string
	}{
		{"ARQC goes online", policy, pos.CryptogramARQC, 500, false, pos.CardOnline, ""},
		{"ARQC above the floor", policy, pos.CryptogramARQC, 50000, false, pos.CardOnline, ""},
		{"TC under the floor", policy, pos.CryptogramTC, 500, false, pos.CardOffline, ""},
		{"TC at the floor", policy, pos.CryptogramTC, 10000, false, pos.CardOffline, ""},
		{"TC above the floor", policy, pos.CryptogramTC, 10001, false, pos.CardDecline, pos.ReasonCardTCOverFloor},
		{"TC with floor 0", pos.CardPolicy{}, pos.CryptogramTC, 1, false, pos.CardDecline, pos.ReasonCardTCOverFloor},
		{"AAC", policy, pos.CryptogramAAC, 500, false, pos.CardDecline, pos.ReasonCardDeclined},
		{"no cryptogram", policy, pos.CryptogramNone, 500, false, pos.CardDecline, pos.ReasonCardNoQuickPass},
		{"expired ARQC", policy, pos.CryptogramARQC, 500, true, pos.CardDecline, pos.ReasonCardExpired},
		{"expired TC", policy, pos.CryptogramTC, 500, true, pos.CardDecline, pos.ReasonCardExpired},
	}
	for _, tt := range tests {
		route, reason := tt.policy.Route(tt.c, tt.amount, tt.expired)
		if route != tt.want || reason != tt.reason {
			t.Errorf("%s: Route(%q, %v, %v) = %s, %q; want %s, %q", tt.name, tt.c, tt.amount, tt.expired,
				route, reason, tt.want, tt.reason)
		}
	}
}

func TestCardOnlineRequired(t *testing.T) {
	p := pos.CardPolicy{FloorLimit: 300}
	for _, tt := range []struct {
		amount money.Fen
		want   bool
	}{{1, false}, {300, false}, {301, true}} {
		if got := p.OnlineRequired(tt.amount); got != tt.want {
			t.Errorf("OnlineRequired(%v) with floor 3.00 = %v, want %v", tt.amount, got, tt.want)
		}
	}
}

var maskTests = []struct {
	pan, masked string
}{
	{"6222021001123456789", "622202*********6789"},
	{"4761739001010010", "476173******0010"},
	{"1234567890123", "123456***0123"},
	{"123456789012", "********9012"},
	{"12345", "*2345"},
	{"1234", "****"},
}

func TestMaskPAN(t *testing.T) {
	for _, tt := range maskTests {
		if got := pos.MaskPAN([]byte(tt.pan)); got != tt.masked {
			t.Errorf("MaskPAN(%s) = %s, want %s", tt.pan, got, tt.masked)
		}
	}
}

func TestIsMaskedPAN(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"622202*********6789", true},
		{"476173******0010", true},
		{"********9012", true},
		{"622202*********", true},      // hiding more is allowed
		{"6222021********6789", false}, // a 7th digit shown
		{"622202*********67890", false},
		{"6222021001123456789", false}, // not masked at all
		{"62220x*********6789", false},
		{"123456789012", false}, // 12 digits: only the last 4 may show
		{"", false},
	}
	for _, tt := range tests {
		if got := pos.IsMaskedPAN(tt.s); got != tt.want {
			t.Errorf("IsMaskedPAN(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// FuzzMaskPAN checks that whatever digits come in, the mask passes
// IsMaskedPAN (when long enough to be a PAN) and keeps at most 10 digits.
func FuzzMaskPAN(f *testing.F) {
	for _, tt := range maskTests {
		f.Add(tt.pan)
	}
	f.Fuzz(func(t *testing.T, pan string) {
		if strings.Trim(pan, "0123456789") != "" {
			return
		}
		m := pos.MaskPAN([]byte(pan))
		if len(m) != len(pan) || strings.Count(m, "*") < len(pan)-10 {
			t.Fatalf("MaskPAN(%q) = %q", pan, m)
		}
		if len(pan) >= 12 && len(pan) <= 19 && !pos.IsMaskedPAN(m) {
			t.Fatalf("IsMaskedPAN(MaskPAN(%q) = %q) = false", pan, m)
		}
	})
}

func testAuthRequest() pos.CardAuthRequest {
	return pos.CardAuthRequest{OutTradeNo: "A1", Amount: 1234, PAN: []byte("6222021001123456789"), PANSeq: 1,
		Expiry: "2812", ATC: 7, UN: [4]byte{1, 2, 3, 4}, TxnDate: "260307",
		Cryptogram: []byte{1, 2, 3, 4, 5, 6, 7, 8}, Kind: pos.CryptogramARQC}
}

func TestCardAuthRequestNeverPrintsPAN(t *testing.T) {
	r := testAuthRequest()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		got := fmt.Sprintf(verb, r)
		if strings.Contains(got, "1001123456") {
			t.Errorf("Sprintf(%s) shows the PAN: %s", verb, got)
		}
	}
	b, err := json.Marshal(r)
	if err != nil || strings.Contains(string(b), `"PAN"`) || strings.Contains(string(b), "1001123456") {
		t.Errorf("json.Marshal = %s, %v; want no PAN field", b, err)
	}
	if got, want := r.String(), "card ARQC 12.34 622202*********6789 order A1 ATC 0007"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	pan := r.PAN
	r.Wipe()
	if r.PAN != nil || strings.Trim(string(pan), "\x00") != "" {
		t.Error("Wipe left the PAN")
	}
}

func TestCardAuthRequestValidate(t *testing.T) {
	tests := []struct {
		name string
		mod  func(r *pos.CardAuthRequest)
		ok   bool
	}{
		{"valid", func(r *pos.CardAuthRequest) {}, true},
		{"valid TC", func(r *pos.CardAuthRequest) { r.Kind = pos.CryptogramTC }, true},
		{"no PAN sequence", func(r *pos.CardAuthRequest) { r.PANSeq = -1 }, true},
		{"no order", func(r *pos.CardAuthRequest) { r.OutTradeNo = "" }, false},
		{"zero amount", func(r *pos.CardAuthRequest) { r.Amount = 0 }, false},
		{"PAN with a letter", func(r *pos.CardAuthRequest) { r.PAN[3] = 'A' }, false},
		{"short PAN", func(r *pos.CardAuthRequest) { r.PAN = r.PAN[:11] }, false},
		{"expiry", func(r *pos.CardAuthRequest) { r.Expiry = "28-1" }, false},
		{"date", func(r *pos.CardAuthRequest) { r.TxnDate = "2603" }, false},
		{"cryptogram", func(r *pos.CardAuthRequest) { r.Cryptogram = r.Cryptogram[:4] }, false},
		{"AAC", func(r *pos.CardAuthRequest) { r.Kind = pos.CryptogramAAC }, false},
	}
	for _, tt := range tests {
		r := testAuthRequest()
		tt.mod(&r)
		err := r.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok %v", tt.name, err, tt.ok)
		}
		if err != nil && (pos.ErrorCode(err) != pos.CodeInvalid || strings.Contains(err.Error(), "1001123456")) {
			t.Errorf("%s: Validate() = %v: want CodeInvalid without the PAN", tt.name, err)
		}
	}
}

func TestCardResultTender(t *testing.T) {
	online := pos.CardResult{Approved: true, RRN: "000000000042", MaskedPAN: "622202*********6789"}
	got := online.Tender(1234, "P1")
	want := pos.Tender{Kind: pos.TenderCard, Amount: 1234, PaymentID: "P1", Ref: "000000000042 622202*********6789"}
	if got != want {
		t.Errorf("Tender() = %+v, want %+v", got, want)
	}
	offline := pos.CardResult{Approved: true, Offline: true, MaskedPAN: "622202*********6789"}
	if got := offline.Tender(500, "P2").Ref; got != "offline 622202*********6789" {
		t.Errorf("offline Tender().Ref = %q", got)
	}
}

func TestCardCaptureJSON(t *testing.T) {
	c := pos.CardCapture{OutTradeNo: "A1", Amount: 880, MaskedPAN: "622202*********6789", Token: "ab",
		SealedPAN: []byte{1, 2, 3}, PANSeq: 1, Expiry: "2812", ATC: 9, UN: [4]byte{1, 2, 3, 4},
		TxnDate: "260307", TC: []byte{8, 7, 6, 5, 4, 3, 2, 1}, ApprovedAt: time.Date(2026, 3, 7, 1, 2, 3, 0, time.UTC)}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back pos.CardCapture
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(back) != fmt.Sprint(c) {
		t.Errorf("JSON round trip: %+v, want %+v", back, c)
	}
}
