package pcsc_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhanggui/hardware/nfc"
	"zhanggui/hardware/nfc/vcard"
)

// sale is a ¥123.45 transaction with a fixed date and unpredictable number.
func sale(amount int64) nfc.Transaction {
	return nfc.Transaction{
		Amount: amount,
		At:     time.Date(2026, 3, 7, 9, 45, 30, 0, time.Local),
		Rand:   bytes.NewReader([]byte{0xDE, 0xAD, 0xBE, 0xEF}),
	}
}

func TestReadUnionPayDebit(t *testing.T) {
	r := newRig(t)
	profile := vcard.UnionPayDebit(10000)
	vc, conn := r.connect(t, vcard.ATRContactless, profile.Handle)
	card, err := nfc.ReadCard(context.Background(), conn, sale(12345))
	if err != nil {
		t.Fatalf("ReadCard() error %v", err)
	}
	defer card.Wipe()
	got := fmt.Sprintf("%s|%s|%s|%s|%v|%d", card.Masked(), card.Expiry, card.Label, card.Name(), card.CryptogramType, card.ATC)
	if want := "622202*********6789|2028-12|UnionPay Debit|UnionPay Debit|ARQC|1"; got != want {
		t.Errorf("card = %s, want %s", got, want)
	}
	if strings.Contains(fmt.Sprintf("%+v", card), vcard.UnionPayPAN) {
		t.Error("the card prints its PAN")
	}
	vc.Remove() // happens before reading the card's state
	if got := fmt.Sprintf("%X", profile.LastGPO["9F02"]); got != "000000012345" {
		t.Errorf("the card saw amount %s, want 000000012345", got)
	}
	if n := vc.APDUs(); n != 5 {
		t.Errorf("%d APDUs, want 5 (PPSE, SELECT, GPO, 2 records)", n)
	}
}

func TestReadVisa(t *testing.T) {
	r := newRig(t)
	_, conn := r.connect(t, vcard.ATRContactless, vcard.Visa().Handle)
	card, err := nfc.ReadCard(context.Background(), conn, sale(500))
	if err != nil {
		t.Fatalf("ReadCard() error %v", err)
	}
	got := fmt.Sprintf("%s|%s|%s|%s", card.Masked(), card.Expiry, card.Label, card.Scheme)
	if want := "476173******0010|2027-06|VISA CREDIT|Visa"; got != want {
		t.Errorf("card = %s, want %s", got, want)
	}
}

func TestReadMemberUID(t *testing.T) {
	r := newRig(t)
	_, conn := r.connect(t, vcard.ATRUltralight, vcard.Member(vcard.MemberUID))
	uid, err := nfc.ReadUID(context.Background(), conn)
	if err != nil || uid != "04A1B2C3D4E5F6" {
		t.Errorf("ReadUID() = %q, %v; want 04A1B2C3D4E5F6", uid, err)
	}
}

func TestReadMalformed(t *testing.T) {
	r := newRig(t)
	_, conn := r.connect(t, vcard.ATRContactless, vcard.Malformed())
	_, err := nfc.ReadCard(context.Background(), conn, sale(100))
	var te *nfc.TLVError
	if !errors.As(err, &te) {
		t.Fatalf("ReadCard() error = %v, want a *TLVError", err)
	}
	if got := nfc.ChineseMessage(err); got != "无法识别此卡" {
		t.Errorf("ChineseMessage(%v) = %q, want 无法识别此卡", err, got)
	}
}

func TestCardPulledMidTransaction(t *testing.T) {
	r := newRig(t)
	vc, conn := r.connect(t, vcard.ATRContactless, vcard.Pulled(vcard.UnionPayDebit(0).Handle))
	_, err := nfc.ReadCard(context.Background(), conn, sale(100))
	if !errors.Is(err, nfc.ErrCardRemoved) || errors.Is(err, nfc.ErrBadResponse) {
		t.Fatalf("ReadCard() error = %v, want ErrCardRemoved only", err)
	}
	if got := nfc.ChineseMessage(err); got != "卡片已移开，请重新刷卡" {
		t.Errorf("ChineseMessage(%v) = %q", err, got)
	}
	<-vc.Gone()
	if n := vc.APDUs(); n != 3 {
		t.Errorf("%d APDUs, want 3 (PPSE, SELECT, the GPO it left at)", n)
	}
}

func TestWaitCardCancel(t *testing.T) {
	r := newRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := r.pc.WaitCard(ctx, r.slot.Reader)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitCard() error = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("WaitCard() returned %v after the cancel, want promptly", d-50*time.Millisecond)
	}
}

func TestWaitCardTimeout(t *testing.T) {
	r := newRig(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := r.pc.WaitCard(ctx, r.slot.Reader)
	if !errors.Is(err, nfc.ErrNoCard) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitCard() error = %v, want ErrNoCard and DeadlineExceeded", err)
	}
	if got := nfc.ChineseMessage(err); got != "请将卡片放在读卡器上" {
		t.Errorf("ChineseMessage(%v) = %q", err, got)
	}
}
