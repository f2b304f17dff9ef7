package nfc_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"zhanggui/hardware/nfc"
	"zhanggui/hardware/nfc/vcard"
)

// counting counts the APDUs a Transceiver sends.
type counting struct {
	t nfc.Transceiver
	n int
}

func (c *counting) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	c.n++
	return c.t.Transmit(ctx, apdu)
}

// fixedTxn is a sale of ¥123.45 on a fixed date with a fixed UN.
func fixedTxn(amount int64) nfc.Transaction {
	return nfc.Transaction{
		Amount: amount,
		At:     time.Date(2026, 3, 7, 9, 45, 30, 0, time.Local),
		Rand:   bytes.NewReader([]byte{0xDE, 0xAD, 0xBE, 0xEF}),
	}
}

func TestReadCardUnionPay(t *testing.T) {
	card := vcard.UnionPayDebit(10000)
	tr := &counting{t: vcard.Handler(card.Handle)}
	got, err := nfc.ReadCard(context.Background(), tr, fixedTxn(12345))
	if err != nil {
		t.Fatalf("ReadCard() error %v", err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"Masked", got.Masked(), "622202*********6789"},
		{"Expiry", got.Expiry.String(), "2028-12"},
		{"PSN", got.PSN, 1},
		{"Label", got.Label, "UnionPay Debit"},
		{"AID", hex.EncodeToString(got.AID), "a000000333010101"},
		{"Name", got.Name(), "UnionPay Debit"},
		{"Chinese", got.Chinese, "银联借记卡"},
		{"CryptogramType", got.CryptogramType, nfc.ARQC},
		{"CID", got.CID, byte(0x80)},
		{"ATC", got.ATC, uint16(1)},
		{"len(Cryptogram)", len(got.Cryptogram), 8},
		{"AIP", hex.EncodeToString(got.AIP), "7c00"},
		{"len(IAD)", len(got.IAD), 16},
		{"APDUs", tr.n, 5}, // PPSE, SELECT, GPO, 2 records
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	pdol := map[string]string{
		"9F02": "000000012345", "9F03": "000000000000", "5F2A": "0156", "9F1A": "0156", "9A": "260307",
		"9C": "00", "9F37": "deadbeef", "9F66": "36000080", "95": "0000000000", "9F7A": "00",
	}
	for tag, want := range pdol {
		if got := hex.EncodeToString(card.LastGPO[tag]); got != want {
			t.Errorf("the card got %s = %s, want %s", tag, got, want)
		}
	}
}

func TestReadCardUnderFloorGetsTC(t *testing.T) {
	got, err := nfc.ReadCard(context.Background(), vcard.Handler(vcard.UnionPayDebit(10000).Handle), fixedTxn(9999))
	if err != nil {
		t.Fatalf("ReadCard() error %v", err)
	}
	if got.CryptogramType != nfc.TC || got.CID != 0x40 {
		t.Errorf("CryptogramType = %v (CID %02X), want TC (40)", got.CryptogramType, got.CID)
	}
}

func TestReadCardVisa(t *testing.T) {
	tr := &counting{t: vcard.Handler(vcard.Visa().Handle)}
	got, err := nfc.ReadCard(context.Background(), tr, fixedTxn(500))
	if err != nil {
		t.Fatalf("ReadCard() error %v", err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"Masked", got.Masked(), "476173******0010"},
		{"Expiry (from track 2)", got.Expiry.String(), "2027-06"},
		{"PSN", got.PSN, 0},
		{"Label", got.Label, "VISA CREDIT"},
		{"PreferredName", got.PreferredName, "VISA CREDITO"},
		{"AID (priority 1 of 2)", hex.EncodeToString(got.AID), "a0000000031010"},
		{"Scheme", got.Scheme, "Visa"},
		{"CryptogramType (format 1)", got.CryptogramType, nfc.NoCryptogram},
		// PPSE, SELECT + 3 GET RESPONSE (32-byte chunks), GPO, READ RECORD + resend after 6Cxx
		{"APDUs", tr.n, 8},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
}

func TestReadCardFallsBackToNextApplication(t *testing.T) {
	card := vcard.Visa()
	card.AID = "A0000000032010" // the card lists 031010 first but cannot select it
	got, err := nfc.ReadCard(context.Background(), vcard.Handler(card.Handle), fixedTxn(500))
	if err != nil {
		t.Fatalf("ReadCard() error %v", err)
	}
	if a := hex.EncodeToString(got.AID); a != "a0000000032010" || got.Product != "Electron" {
		t.Errorf("AID = %s (%s), want a0000000032010 (Electron)", a, got.Name())
	}
}

func TestReadCardErrors(t *testing.T) {
	unknown := vcard.UnionPayDebit(0)
	unknown.Directory = []vcard.DirEntry{{AID: "A0000009999999", Label: "TRANSIT"}}
	blocked := vcard.UnionPayDebit(0)
	blocked.AID = "A000000333010102" // listed as debit, answers nothing for it
	noPDOLRoom := vcard.UnionPayDebit(0)
	noPDOLRoom.PDOL = "9F4E" + "FF" + "9F4E" + "FF"
	tests := []struct {
		name    string
		h       vcard.Handler
		want    error
		message string
	}{
		{"member card", vcard.Member(vcard.MemberUID), nfc.ErrNoApplication, "无法识别此卡"},
		{"malformed PPSE", vcard.Malformed(), nfc.ErrMalformedTLV, "无法识别此卡"},
		{"unknown application", unknown.Handle, nfc.ErrNoApplication, "无法识别此卡"},
		{"application cannot be selected", blocked.Handle, &nfc.StatusError{SW: nfc.SWFileNotFound}, "无法识别此卡"},
		{"PDOL too long", noPDOLRoom.Handle, nfc.ErrBadResponse, "无法识别此卡"},
		{"pulled after SELECT AID", vcard.Pulled(vcard.UnionPayDebit(0).Handle), vcard.ErrPulled, "读卡失败，请重新刷卡"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := nfc.ReadCard(context.Background(), tt.h, fixedTxn(100))
			if !errors.Is(err, tt.want) {
				t.Fatalf("ReadCard() = %v, %v; want error %v", got, err, tt.want)
			}
			if m := nfc.ChineseMessage(err); m != tt.message {
				t.Errorf("ChineseMessage(%v) = %q, want %q", err, m, tt.message)
			}
		})
	}
}

func TestReadCardGPORefused(t *testing.T) {
	h := func(apdu []byte) []byte {
		if apdu[1] == 0xA8 {
			return []byte{0x69, 0x85} // qPBOC: conditions not satisfied, use contact
		}
		return vcard.UnionPayDebit(0).Handle(apdu)
	}
	_, err := nfc.ReadCard(context.Background(), vcard.Handler(h), fixedTxn(100))
	if !errors.Is(err, &nfc.StatusError{SW: nfc.SWConditionsNotSatisfied}) || errors.Is(err, nfc.ErrNoApplication) {
		t.Errorf("ReadCard() error = %v, want StatusError 6985 only", err)
	}
}

func TestReadCardCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := nfc.ReadCard(ctx, vcard.Handler(vcard.UnionPayDebit(0).Handle), fixedTxn(100))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ReadCard() with a cancelled context error = %v, want context.Canceled", err)
	}
}

func TestReadUID(t *testing.T) {
	uid, err := nfc.ReadUID(context.Background(), vcard.Member(vcard.MemberUID))
	if err != nil || uid != "04A1B2C3D4E5F6" {
		t.Fatalf("ReadUID() = %q, %v; want 04A1B2C3D4E5F6", uid, err)
	}
	if got := uid.Masked(); got != "04A1…E5F6" {
		t.Errorf("Masked() = %q, want 04A1…E5F6", got)
	}
	noUID := vcard.Handler(func([]byte) []byte { return []byte{0x6A, 0x81} })
	if _, err := nfc.ReadUID(context.Background(), noUID); !errors.Is(err, &nfc.StatusError{SW: nfc.SWFunctionNotSupported}) {
		t.Errorf("ReadUID() on a reader without FF CA error = %v, want StatusError 6A81", err)
	}
	empty := vcard.Handler(func([]byte) []byte { return []byte{0x90, 0x00} })
	if _, err := nfc.ReadUID(context.Background(), empty); !errors.Is(err, nfc.ErrBadResponse) {
		t.Errorf("ReadUID() with an empty UID error = %v, want ErrBadResponse", err)
	}
}

func TestToken(t *testing.T) {
	card, err := nfc.ReadCard(context.Background(), vcard.Handler(vcard.UnionPayDebit(0).Handle), fixedTxn(1))
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("0123456789abcdef-till-secret")
	m := hmac.New(sha256.New, key)
	m.Write([]byte(vcard.UnionPayPAN))
	want := hex.EncodeToString(m.Sum(nil))
	if got, err := card.Token(key); got != want || err != nil {
		t.Errorf("Token() = %s, %v; want %s", got, err, want)
	}
	if other, _ := card.Token([]byte("another-key-of-16+bytes")); other == want {
		t.Error("Token() is the same under two keys")
	}
	if _, err := card.Token([]byte("short")); err == nil {
		t.Error("Token() with a 5-byte key: no error")
	}
	copied := *card
	card.Wipe()
	if _, err := copied.Token(key); !errors.Is(err, nfc.ErrWiped) {
		t.Errorf("Token() on a copy after Wipe error = %v, want ErrWiped", err)
	}
	if got := card.Masked(); got != "622202*********6789" {
		t.Errorf("Masked() after Wipe = %q", got)
	}
}

// keeper is a Transceiver that remembers the answers it handed out.
type keeper struct {
	t       nfc.Transceiver
	answers [][]byte
}

func (k *keeper) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	a, err := k.t.Transmit(ctx, apdu)
	k.answers = append(k.answers, a)
	return a, err
}

func TestReadCardZeroesAnswersWithCardData(t *testing.T) {
	for _, c := range []struct {
		card   *vcard.EMVCard
		panBCD []byte // the first 12 digits, as 5A and 57 carry them
	}{
		{vcard.UnionPayDebit(0), []byte{0x62, 0x22, 0x02, 0x10, 0x01, 0x12}},
		{vcard.Visa(), []byte{0x47, 0x61, 0x73, 0x90, 0x01, 0x01}},
	} {
		k := &keeper{t: vcard.Handler(c.card.Handle)}
		card, err := nfc.ReadCard(context.Background(), k, fixedTxn(100))
		if err != nil {
			t.Fatal(err)
		}
		card.Wipe()
		for i, a := range k.answers {
			if bytes.Contains(a, c.panBCD) {
				t.Errorf("%s: answer %d still holds the PAN after ReadCard: %X", c.card.Label, i, a)
			}
		}
	}
}
