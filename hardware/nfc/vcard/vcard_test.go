package vcard

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// fakeVPCD accepts one card on loopback and speaks vpcd's side of the
// protocol, so the card's framing is tested without pcscd.
type fakeVPCD struct {
	t    *testing.T
	ln   net.Listener
	conn net.Conn
}

func newFakeVPCD(t *testing.T) *fakeVPCD {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() }) // closed already when a test closed it
	return &fakeVPCD{t: t, ln: ln}
}

func (f *fakeVPCD) accept() {
	conn, err := f.ln.Accept()
	if err != nil {
		f.t.Fatal(err)
	}
	if err := conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil { // a hung card fails the test instead of hanging it
		f.t.Fatal(err)
	}
	f.conn = conn
	f.t.Cleanup(func() { _ = conn.Close() }) // the card may have closed it
}

// send writes one message the way vpcd does: length, then payload, in two
// writes.
func (f *fakeVPCD) send(msg []byte) {
	f.t.Helper()
	if _, err := f.conn.Write([]byte{byte(len(msg) >> 8), byte(len(msg))}); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.conn.Write(msg); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fakeVPCD) recv() ([]byte, error) { return readFrame(f.conn) }

func TestCardSpeaksVPCD(t *testing.T) {
	vpcd := newFakeVPCD(t)
	var seen [][]byte
	h := func(apdu []byte) []byte {
		seen = append(seen, apdu)
		if apdu[1] == 0xA8 {
			return nil // pulled
		}
		return []byte{0x01, 0x02, 0x90, 0x00}
	}
	card, err := (&Slot{Addr: vpcd.ln.Addr().String()}).Insert(ATRContactless, h)
	if err != nil {
		t.Fatal(err)
	}
	defer card.Remove()
	vpcd.accept()
	for _, ctrl := range []byte{ctrlOn, ctrlReset, ctrlOff, ctrlOn, ctrlATR} {
		vpcd.send([]byte{ctrl}) // only the last expects an answer
	}
	if atr, err := vpcd.recv(); err != nil || !bytes.Equal(atr, ATRContactless) {
		t.Fatalf("answer to control 4 = %X, %v; want the ATR %X", atr, err, ATRContactless)
	}
	vpcd.send(mustHex("00A404000E325041592E5359532E444446303100"))
	if got, err := vpcd.recv(); err != nil || hex.EncodeToString(got) != "01029000" {
		t.Fatalf("answer to SELECT = %X, %v; want 01029000", got, err)
	}
	vpcd.send(mustHex("80A8000002830000"))
	if got, err := vpcd.recv(); !errors.Is(err, io.EOF) {
		t.Fatalf("answer to GPO = %X, %v; want the card gone (EOF)", got, err)
	}
	select {
	case <-card.Gone():
	case <-time.After(5 * time.Second):
		t.Fatal("card not gone after being pulled")
	}
	if card.APDUs() != 2 || len(seen) != 2 {
		t.Errorf("APDUs() = %d, handler saw %d; want 2", card.APDUs(), len(seen))
	}
	card.Remove() // after the pull: must not block
}

func TestRemoveDisconnects(t *testing.T) {
	vpcd := newFakeVPCD(t)
	card, err := (&Slot{Addr: vpcd.ln.Addr().String()}).Insert(ATRUltralight, Member(MemberUID))
	if err != nil {
		t.Fatal(err)
	}
	vpcd.accept()
	card.Remove()
	card.Remove()
	if _, err := vpcd.recv(); err == nil {
		t.Error("vpcd can still read from a removed card")
	}
}

func TestInsertWithoutVPCD(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil { // now nothing listens there
		t.Fatal(err)
	}
	if _, err := (&Slot{Addr: addr}).Insert(ATRContactless, Member(MemberUID)); err == nil || !strings.HasPrefix(err.Error(), "vcard: ") {
		t.Errorf("Insert() with nothing listening error = %v, want a vcard: error", err)
	}
}

func TestReserve(t *testing.T) {
	if _, err := Reserve(2); err == nil {
		t.Error("Reserve(2): no error; vpcd has two slots")
	}
	s, err := Reserve(1)
	if err != nil {
		t.Fatal(err)
	}
	if s.Addr != "127.0.0.1:35964" || s.Reader != "Virtual PCD 00 01" {
		t.Errorf("slot 1 = %s %q", s.Addr, s.Reader)
	}
	if err := s.Release(); err != nil {
		t.Errorf("Release(): %v", err)
	}
	if err := s.Release(); err != nil {
		t.Errorf("second Release(): %v", err)
	}
}

func TestHandlerTransmit(t *testing.T) {
	var h Handler = Member(MemberUID)
	got, err := h.Transmit(context.Background(), mustHex("FFCA000000"))
	if err != nil || hex.EncodeToString(got) != "04a1b2c3d4e5f69000" {
		t.Errorf("Transmit(FF CA) = %X, %v", got, err)
	}
	if _, err := Handler(Pulled(h)).Transmit(context.Background(), mustHex("80A8000002830000")); !errors.Is(err, ErrPulled) {
		t.Errorf("Transmit(GPO) to a pulled card error = %v, want ErrPulled", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Transmit(ctx, mustHex("FFCA000000")); !errors.Is(err, context.Canceled) {
		t.Errorf("Transmit() with a cancelled context error = %v", err)
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name, apdu string
		want       command
		ok         bool
	}{
		{"case 1", "00700000", command{0x00, 0x70, 0, 0, nil, -1}, true},
		{"case 2, Le 00", "FFCA000000", command{0xFF, 0xCA, 0, 0, nil, 256}, true},
		{"case 3", "80E2000002AABB", command{0x80, 0xE2, 0, 0, []byte{0xAA, 0xBB}, -1}, true},
		{"case 4", "00A4040002AABB00", command{0x00, 0xA4, 4, 0, []byte{0xAA, 0xBB}, 256}, true},
		{"case 2E", "00B00000000101", command{0x00, 0xB0, 0, 0, nil, 257}, true},
		{"case 3E", "00D60000000002AABB", command{0x00, 0xD6, 0, 0, []byte{0xAA, 0xBB}, -1}, true},
		{"case 4E, Le 0000", "00D60000000002AABB0000", command{0x00, 0xD6, 0, 0, []byte{0xAA, 0xBB}, 65536}, true},
		{"too short", "00A4", command{}, false},
		{"Lc past the end", "00A4040005AABB", command{}, false},
		{"extended cut", "00A404000000", command{}, false},
	}
	for _, tt := range tests {
		got, ok := parseCommand(mustHex(tt.apdu))
		if ok != tt.ok || got.cla != tt.want.cla || got.ins != tt.want.ins || got.p1 != tt.want.p1 ||
			!bytes.Equal(got.data, tt.want.data) || got.le != tt.want.le {
			t.Errorf("%s: parseCommand(%s) = %+v, %v; want %+v, %v", tt.name, tt.apdu, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzParseCommand checks that parsing any bytes as a command neither panics
// nor invents data beyond the input.
func FuzzParseCommand(f *testing.F) {
	for _, h := range []string{"00700000", "FFCA000000", "80E2000002AABB", "00A4040002AABB00", "00B00000000101",
		"00D60000000002AABB0000", "00A4040005AABB", "00A404000000"} {
		f.Add(mustHex(h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, ok := parseCommand(b)
		if ok && len(c.data) > len(b) {
			t.Fatalf("parseCommand(%X) has %d data bytes", b, len(c.data))
		}
	})
}

// FuzzEMVCard feeds the payment card arbitrary commands: whatever a reader
// sends, the card answers with at least a status word.
func FuzzEMVCard(f *testing.F) {
	for _, h := range []string{"00A404000E325041592E5359532E444446303100", "00A4040008A00000033301010100",
		"80A80000238321" + strings.Repeat("00", 0x21) + "00", "00B2010C00", "00C0000020", "FFCA000000", "80A8000002830000"} {
		f.Add(mustHex(h))
	}
	f.Fuzz(func(t *testing.T, apdu []byte) {
		for _, c := range []*EMVCard{UnionPayDebit(100), Visa()} {
			c.Handle(append(append([]byte{0x00, 0xA4, 0x04, 0x00, byte(len(c.AID) / 2)}, mustHex(c.AID)...), 0x00)) // leaves a GET RESPONSE pending on the Visa
			if r := c.Handle(apdu); len(r) < 2 {
				t.Fatalf("%s answered %X to %X", c.Label, r, apdu)
			}
		}
	})
}
