package pcsc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"zhanggui/hardware/nfc/pcsc"
	"zhanggui/hardware/nfc/vcard"
)

// runCardRead runs the command and returns its exit code and output.
func runCardRead(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = pcsc.RunCardRead(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCardReadEMV(t *testing.T) {
	r := newRig(t)
	r.insert(t, vcard.ATRContactless, vcard.UnionPayDebit(0).Handle)
	code, out, errOut := runCardRead("--reader", r.slot.Reader, "--timeout", "5s")
	if code != 0 {
		t.Fatalf("card-read exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{
		"reader:     Virtual PCD 00 00\n",
		"type:       UnionPay Debit (银联借记卡)\n",
		"card:       622202*********6789\n",
		"expiry:     2028-12\n",
		"label:      UnionPay Debit\n",
		"aid:        A000000333010101\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("card-read output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out+errOut, vcard.UnionPayPAN) {
		t.Error("card-read printed the full PAN")
	}
}

func TestCardReadMemberJSON(t *testing.T) {
	r := newRig(t)
	r.insert(t, vcard.ATRUltralight, vcard.Member(vcard.MemberUID))
	code, out, errOut := runCardRead("--json", "--reader", r.slot.Reader, "--timeout", "5s")
	if code != 0 {
		t.Fatalf("card-read exit %d, stderr:\n%s", code, errOut)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("card-read --json printed %q: %v", out, err)
	}
	if got["type"] != "uid" || got["uid"] != "04A1B2C3D4E5F6" || got["reader"] != r.slot.Reader {
		t.Errorf("card-read --json = %v, want type uid, uid 04A1B2C3D4E5F6", got)
	}
}

func TestCardReadNoCard(t *testing.T) {
	r := newRig(t)
	start := time.Now()
	code, out, errOut := runCardRead("--reader", r.slot.Reader, "--timeout", "300ms")
	if code != 1 || out != "" {
		t.Errorf("card-read without a card: exit %d, stdout %q; want 1 and nothing", code, out)
	}
	if !strings.Contains(errOut, "请将卡片放在读卡器上\n") || !strings.Contains(errOut, "deadline exceeded") {
		t.Errorf("card-read without a card said:\n%s", errOut)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("card-read --timeout 300ms took %v", d)
	}
}

func TestCardReadMalformed(t *testing.T) {
	r := newRig(t)
	r.insert(t, vcard.ATRContactless, vcard.Malformed())
	code, _, errOut := runCardRead("--reader", r.slot.Reader, "--timeout", "5s")
	if code != 1 || !strings.Contains(errOut, "无法识别此卡") || !strings.Contains(errOut, "malformed TLV at byte") {
		t.Errorf("card-read of a garbled card: exit %d, stderr:\n%s", code, errOut)
	}
}

func TestCardReadUsage(t *testing.T) {
	for _, args := range [][]string{{"--bogus"}, {"extra"}, {"--timeout", "0s"}} {
		if code, _, errOut := runCardRead(args...); code != 2 || !strings.Contains(errOut, "Usage") {
			t.Errorf("card-read %q: exit %d, stderr %q; want 2 and the usage", args, code, errOut)
		}
	}
}

func TestWaitCardAnyReader(t *testing.T) {
	r := newRig(t)
	other, err := vcard.Reserve(1) // keep the other reader empty meanwhile
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := other.Release(); err != nil {
			t.Error(err)
		}
	}()
	r.insert(t, vcard.ATRContactless, vcard.Member(vcard.MemberUID))
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	if got, err := r.pc.WaitCard(ctx, ""); got != r.slot.Reader || err != nil {
		t.Errorf("WaitCard(any) = %q, %v; want %q", got, err, r.slot.Reader)
	}
}
