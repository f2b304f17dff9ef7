package nfc

import (
	"errors"
	"testing"

	"zhanggui/hardware/nfc/vcard"
)

func TestRevealPAN(t *testing.T) {
	c := readTestCard(t, vcard.UnionPayDebit(0).Handle)
	var kept []byte
	err := c.RevealPAN(func(pan []byte) error {
		if got := string(pan); got != vcard.UnionPayPAN {
			t.Errorf("RevealPAN gave %d digits that are not the card's PAN", len(got))
		}
		kept = pan
		return nil
	})
	if err != nil {
		t.Fatalf("RevealPAN() = %v", err)
	}
	for _, b := range kept {
		if b != 0 {
			t.Fatal("RevealPAN left its copy of the PAN in memory after use returned")
		}
	}
	boom := errors.New("boom")
	if err := c.RevealPAN(func([]byte) error { return boom }); err != boom {
		t.Errorf("RevealPAN() = %v, want use's error", err)
	}
	c.Wipe()
	called := false
	if err := c.RevealPAN(func([]byte) error { called = true; return nil }); !errors.Is(err, ErrWiped) || called {
		t.Errorf("RevealPAN after Wipe = %v (use called: %v), want ErrWiped without a call", err, called)
	}
}
