package cardpay_test

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"zhanggui/hardware/nfc/pcsc"
	"zhanggui/hardware/nfc/vcard"
	"zhanggui/pos"
	"zhanggui/sync/cardterm"
)

// TestPCSCOfflineThenOnline takes two card payments through the real
// PC/SC stack (PCSCTerminal → ebfe/scard → pcscd → vpcd → a virtual card
// the simulator issued): one approved offline while the link is down and
// uploaded when it returns, one authorized online. It needs `pcscd -f &`
// with vsmartcard-vpcd; without them it skips, unless
// ZHANGGUI_REQUIRE_PCSCD=1 or ZHANGGUI_TEST_ALL=1 (make test), where it
// fails.
func TestPCSCOfflineThenOnline(t *testing.T) {
	slot := reserveSlot(t)
	e := newEnvOn(t, cardterm.PCSCReader{Name: slot.Reader})
	c := e.newCard("holder", int64(floor))

	e.link.Store(pos.LinkOffline)
	remove := insert(t, slot, c.handle)
	off := e.charge(t, e.request(t, 0))
	remove() // the customer takes the card back
	if !off.Offline || !off.Approved() {
		t.Fatalf("Charge = %+v, want an offline approval through pcscd", off)
	}
	e.link.Store(pos.LinkOnline)
	if err := e.worker.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if got, _ := e.capture(t, off.Payment.ID); got.state != "uploaded" || got.blobLen != 0 {
		t.Errorf("capture = %+v, want uploaded and wiped", got)
	}

	insert(t, slot, c.handle)
	on := e.charge(t, e.request(t, 1))
	if on.Offline || !on.Approved() {
		t.Fatalf("Charge = %+v, want an online approval through pcscd", on)
	}
	for _, id := range []string{off.Payment.ID, on.Payment.ID} {
		if _, n := e.net(id); n != 1 {
			t.Errorf("%d payments at the acquirer for %s, want 1", n, id)
		}
	}
	e.balanced(t)
}

// reserveSlot takes vpcd's second reader (the hardware tests share it
// through the same lock), or skips when pcscd or vpcd is missing.
func reserveSlot(t *testing.T) *vcard.Slot {
	t.Helper()
	pc, err := pcsc.Open()
	if err != nil {
		skipOrFail(t, "pcscd is not reachable (%v): start it with `pcscd -f &`", err)
	}
	defer func() { _ = pc.Close() }() // only used to list the readers
	slot, err := vcard.Reserve(1)
	if err != nil {
		t.Fatalf("vcard.Reserve(1): %v", err)
	}
	t.Cleanup(func() { _ = slot.Release() }) // closing the lock file cannot fail in a way that matters
	if readers, err := pc.Readers(); err != nil || !slices.Contains(readers, slot.Reader) {
		skipOrFail(t, "pcscd has no reader %q (readers %q, %v): is vsmartcard-vpcd installed?", slot.Reader, readers, err)
	}
	return slot
}

// insert taps the card on the slot's reader until remove (or the end of
// the test), which waits for pcscd to see it gone.
func insert(t *testing.T, slot *vcard.Slot, h vcard.Handler) (remove func()) {
	t.Helper()
	vc, err := slot.Insert(vcard.ATRContactless, h)
	if err != nil {
		skipOrFail(t, "vpcd is not listening (%v): is pcscd running with vsmartcard-vpcd?", err)
	}
	var once sync.Once
	remove = func() { once.Do(func() { takeOut(t, slot, vc) }) }
	t.Cleanup(remove)
	return remove
}

// takeOut removes the card and waits until pcscd reports the reader empty.
func takeOut(t *testing.T, slot *vcard.Slot, vc *vcard.Card) {
	vc.Remove()
	pc, err := pcsc.Open()
	if err != nil {
		t.Errorf("pcsc.Open after the tap: %v", err)
		return
	}
	defer func() { _ = pc.Close() }() // the wait is what matters
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pc.WaitRemoved(wctx, slot.Reader); err != nil {
		t.Errorf("WaitRemoved(%q): %v", slot.Reader, err)
	}
}

func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("ZHANGGUI_REQUIRE_PCSCD") == "1" || os.Getenv("ZHANGGUI_TEST_ALL") == "1" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}
