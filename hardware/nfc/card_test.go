package nfc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhanggui/hardware/nfc/vcard"
)

// readTestCard reads h in memory for a sale of 1 fen.
func readTestCard(t *testing.T, h vcard.Handler) *Card {
	t.Helper()
	c, err := ReadCard(context.Background(), h, Transaction{Amount: 1})
	if err != nil {
		t.Fatalf("ReadCard() error %v", err)
	}
	return c
}

// assertNoPAN fails if s holds pan, or its middle digits (a partial leak).
func assertNoPAN(t *testing.T, what, s, pan string) {
	t.Helper()
	if strings.Contains(s, pan) || strings.Contains(s, pan[6:len(pan)-4]) {
		t.Errorf("%s shows the PAN: %s", what, s)
	}
}

func TestCardNeverPrintsPAN(t *testing.T) {
	card := readTestCard(t, vcard.Handler(vcard.UnionPayDebit(0).Handle))
	pan := vcard.UnionPayPAN
	type holder struct {
		Card  Card
		Ptr   *Card
		inner Card // unexported: fmt cannot call its methods
	}
	h := holder{Card: *card, Ptr: card, inner: *card}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		assertNoPAN(t, "fmt "+verb+" of Card", fmt.Sprintf(verb, *card), pan)
		assertNoPAN(t, "fmt "+verb+" of *Card", fmt.Sprintf(verb, card), pan)
		assertNoPAN(t, "fmt "+verb+" of a struct holding cards", fmt.Sprintf(verb, h), pan)
	}
	if got, want := card.String(), "UnionPay Debit 622202*********6789 exp 2028-12 ARQC"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	js, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	assertNoPAN(t, "JSON", string(js), pan)
	// A PAN with a bad digit fails; the error must not quote it.
	bad := vcard.UnionPayDebit(0)
	bad.PAN = "62220210011234567A9"
	bad.PANInRecord = false
	_, err = ReadCard(context.Background(), vcard.Handler(bad.Handle), Transaction{})
	if !errors.Is(err, ErrBadResponse) {
		t.Fatalf("ReadCard() of a PAN with a letter error = %v, want ErrBadResponse", err)
	}
	assertNoPAN(t, "error", err.Error(), bad.PAN)
}

func TestWipe(t *testing.T) {
	card := readTestCard(t, vcard.Handler(vcard.UnionPayDebit(0).Handle))
	pan := card.secret.pan
	card.Wipe()
	card.Wipe() // twice is fine
	for i, b := range pan {
		if b != 0 {
			t.Fatalf("byte %d of the PAN is %02X after Wipe, want 00", i, b)
		}
	}
	if _, err := card.Token(make([]byte, 16)); !errors.Is(err, ErrWiped) {
		t.Errorf("Token() after Wipe error = %v, want ErrWiped", err)
	}
}

func TestMaskPAN(t *testing.T) {
	for _, tt := range []struct{ pan, want string }{
		{"6222021001123456789", "622202*********6789"},
		{"4761739001010010", "476173******0010"},
		{"5413330089010434", "541333******0434"},
		{"1234567890123", "123456***0123"},
		{"123456789012", "********9012"},
		{"1234", "****"},
	} {
		if got := maskPAN([]byte(tt.pan)); got != tt.want {
			t.Errorf("maskPAN(%s) = %s, want %s", tt.pan, got, tt.want)
		}
	}
}

func TestYearMonth(t *testing.T) {
	ym := YearMonth{Year: 2028, Month: time.December}
	if got := ym.String(); got != "2028-12" {
		t.Errorf("String() = %q, want 2028-12", got)
	}
	if (YearMonth{}).String() != "" {
		t.Error("zero YearMonth is not empty")
	}
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2028, 12, 31, 23, 0, 0, 0, time.UTC), false},
		{time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		if got := ym.Expired(tt.now); got != tt.want {
			t.Errorf("Expired(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
}

func TestUIDMasked(t *testing.T) {
	for _, tt := range []struct{ uid, want string }{
		{"04A1B2C3D4E5F6", "04A1…E5F6"},
		{"08A1B2C3", "08…C3"},
		{"04A1B2C3D4E5F60718293A", "04A1…293A"},
		{"0A0B", "0A0B"},
	} {
		if got := UID(tt.uid).Masked(); got != tt.want {
			t.Errorf("UID(%s).Masked() = %s, want %s", tt.uid, got, tt.want)
		}
	}
}

func TestCryptogramType(t *testing.T) {
	for cid, want := range map[byte]CryptogramType{0x00: AAC, 0x40: TC, 0x80: ARQC, 0xC0: AAC, 0x81: ARQC} {
		if got := cryptogramTypeOf(cid); got != want {
			t.Errorf("cryptogramTypeOf(%02X) = %v, want %v", cid, got, want)
		}
	}
	if NoCryptogram.String() != "none" || ARQC.String() != "ARQC" || TC.String() != "TC" || AAC.String() != "AAC" {
		t.Error("CryptogramType names wrong")
	}
}

func TestChineseMessage(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("pcsc: establish context: %w", ErrNoService), "pcscd 未运行，请启动智能卡服务"},
		{ErrNoReader, "未检测到读卡器，请检查读卡器连接"},
		{fmt.Errorf("pcsc: wait: %w (%w)", ErrNoCard, context.DeadlineExceeded), "请将卡片放在读卡器上"},
		{fmt.Errorf("nfc: gpo: %w", ErrCardRemoved), "卡片已移开，请重新刷卡"},
		{ErrCardReset, "卡片已移开，请重新刷卡"},
		{&TLVError{Offset: 3, Reason: "x"}, "无法识别此卡"},
		{ErrNoApplication, "无法识别此卡"},
		{ErrBadResponse, "无法识别此卡"},
		{context.Canceled, "已取消读卡"},
		{&StatusError{SW: 0x6985}, "读卡失败，请重新刷卡"},
		{errors.New("something else"), "读卡失败，请重新刷卡"},
	} {
		if got := ChineseMessage(tt.err); got != tt.want {
			t.Errorf("ChineseMessage(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestLookupAID(t *testing.T) {
	for _, tt := range []struct {
		aid, name string
		ok        bool
	}{
		{"A000000333010101", "UnionPay Debit", true},
		{"A000000333010102", "UnionPay Credit", true},
		{"A000000333010103", "UnionPay Quasi-credit", true},
		{"A0000000031010", "Visa Credit/Debit", true},
		{"A0000000041010", "Mastercard Credit/Debit", true},
		{"A0000000038010", "Visa", true}, // Visa Plus: scheme by RID
		{"A0000000651010", "Unknown", false},
	} {
		app, ok := LookupAID(mustHex(tt.aid))
		if app.Name() != tt.name || ok != tt.ok || fmt.Sprintf("%X", app.AID) != tt.aid {
			t.Errorf("LookupAID(%s) = %s %X, %v; want %s, %v", tt.aid, app.Name(), app.AID, ok, tt.name, tt.ok)
		}
	}
}
