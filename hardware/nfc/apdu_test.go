package nfc

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestCommandBytes(t *testing.T) {
	data := func(n int) []byte { return bytes.Repeat([]byte{0xAB}, n) }
	hexData := func(n int) string { return strings.Repeat("AB", n) }
	tests := []struct {
		name string
		cmd  Command
		want string
	}{
		{"case 1", Command{CLA: 0x00, INS: 0x70, Le: NoLe}, "00700000"},
		{"case 2, Le 00", Command{CLA: 0xFF, INS: 0xCA, Le: 0}, "FFCA000000"},
		{"case 2, Le 256 is 00", Command{INS: 0xB2, P1: 1, P2: 0x0C, Le: 256}, "00B2010C00"},
		{"case 2, Le 16", Command{INS: 0xC0, Le: 16}, "00C0000010"},
		{"case 3", Command{CLA: 0x80, INS: 0xE2, Data: []byte{1, 2}, Le: NoLe}, "80E20000020102"},
		{"case 4 select PPSE", Command{INS: 0xA4, P1: 4, Data: []byte("2PAY.SYS.DDF01"), Le: 0},
			"00A404000E325041592E5359532E444446303100"},
		{"case 4, 255 data bytes stay short", Command{INS: 0xD6, Data: data(255), Le: 256},
			"00D60000FF" + hexData(255) + "00"},
		{"case 2E, Le 257", Command{INS: 0xB0, Le: 257}, "00B00000000101"},
		{"case 2E, Le 65536", Command{INS: 0xB0, Le: 65536}, "00B00000000000"},
		{"case 3E, 256 data bytes", Command{INS: 0xD6, Data: data(256), Le: NoLe}, "00D60000000100" + hexData(256)},
		{"case 4E, Le 0 is 0000", Command{INS: 0xD6, Data: data(256), Le: 0}, "00D60000000100" + hexData(256) + "0000"},
		{"case 4E, Le 300 forces extended", Command{INS: 0x2A, Data: data(2), Le: 300}, "002A0000000002ABAB012C"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cmd.Bytes()
			if err != nil {
				t.Fatalf("Bytes() error %v", err)
			}
			if g := strings.ToUpper(hex.EncodeToString(got)); g != tt.want {
				t.Errorf("Bytes() = %s, want %s", g, tt.want)
			}
		})
	}
}

func TestCommandBytesRejects(t *testing.T) {
	for _, c := range []Command{
		{Data: make([]byte, 65536), Le: NoLe},
		{Le: -2},
		{Le: 65537},
	} {
		if b, err := c.Bytes(); err == nil {
			t.Errorf("Command{len(Data) %d, Le %d}.Bytes() = %X, want an error", len(c.Data), c.Le, b)
		}
	}
}

func TestParseResponse(t *testing.T) {
	r, err := ParseResponse([]byte{0x01, 0x02, 0x90, 0x00})
	if err != nil || !bytes.Equal(r.Data, []byte{1, 2}) || r.SW != 0x9000 || !r.OK() {
		t.Errorf("ParseResponse(01 02 90 00) = %X %04X %v, want 0102 9000", r.Data, r.SW, err)
	}
	for _, raw := range [][]byte{nil, {0x90}} {
		if _, err := ParseResponse(raw); !errors.Is(err, ErrBadResponse) {
			t.Errorf("ParseResponse(%X) error = %v, want ErrBadResponse", raw, err)
		}
	}
}

// exchangeStep is one APDU a scripted card expects and its answer, in hex.
type exchangeStep struct{ send, recv string }

// scriptCard is a Transceiver that plays a script and fails on any APDU
// that differs from it.
type scriptCard struct {
	t     *testing.T
	steps []exchangeStep
	err   error // returned instead of the next answer when set
}

func (s *scriptCard) Transmit(_ context.Context, apdu []byte) ([]byte, error) {
	s.t.Helper()
	if s.err != nil {
		return nil, s.err
	}
	if len(s.steps) == 0 {
		s.t.Fatalf("unexpected APDU %X after the script ended", apdu)
	}
	step := s.steps[0]
	s.steps = s.steps[1:]
	if got := strings.ToUpper(hex.EncodeToString(apdu)); got != step.send {
		s.t.Fatalf("sent %s, want %s", got, step.send)
	}
	return hex.DecodeString(step.recv)
}

func TestExchange(t *testing.T) {
	readRec := Command{INS: 0xB2, P1: 1, P2: 0x0C, Le: 0}
	tests := []struct {
		name     string
		steps    []exchangeStep
		wantData string
		wantSW   uint16
	}{
		{"plain 9000", []exchangeStep{{"00B2010C00", "70035A01129000"}}, "70035A0112", 0x9000},
		{"61xx chained twice", []exchangeStep{
			{"00B2010C00", "6104"},
			{"00C0000004", "700B5A086105"},
			{"00C0000005", "0102030405" + "9000"},
		}, "700B5A080102030405", 0x9000},
		{"61xx with data in the first answer", []exchangeStep{
			{"00B2010C00", "AABB6102"},
			{"00C0000002", "CCDD9000"},
		}, "AABBCCDD", 0x9000},
		{"6Cxx resend with the right Le", []exchangeStep{
			{"00B2010C00", "6C05"},
			{"00B2010C05", "70035A01129000"},
		}, "70035A0112", 0x9000},
		{"6C00 means 256", []exchangeStep{
			{"00B2010C00", "6C00"},
			{"00B2010C00", "9000"},
		}, "", 0x9000},
		{"6Cxx then 61xx", []exchangeStep{
			{"00B2010C00", "6C02"},
			{"00B2010C02", "AABB6101"},
			{"00C0000001", "CC9000"},
		}, "AABBCC", 0x9000},
		{"6Cxx twice is an error", []exchangeStep{
			{"00B2010C00", "6C05"},
			{"00B2010C05", "6C06"},
		}, "", 0x6C06},
		{"6A83 record not found", []exchangeStep{{"00B2010C00", "6A83"}}, "", 0x6A83},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := &scriptCard{t: t, steps: tt.steps}
			r, err := Exchange(context.Background(), card, readRec)
			if got := strings.ToUpper(hex.EncodeToString(r.Data)); got != tt.wantData || r.SW != tt.wantSW {
				t.Errorf("Exchange() = %s %04X, want %s %04X", got, r.SW, tt.wantData, tt.wantSW)
			}
			if wantErr := tt.wantSW != 0x9000; (err != nil) != wantErr {
				t.Errorf("Exchange() error = %v, want an error: %v", err, wantErr)
			}
			if err != nil && !errors.Is(err, &StatusError{SW: tt.wantSW}) {
				t.Errorf("Exchange() error = %v, want StatusError %04X", err, tt.wantSW)
			}
			if len(card.steps) != 0 {
				t.Errorf("%d scripted APDUs not sent", len(card.steps))
			}
		})
	}
}

func TestExchangeEndlessChain(t *testing.T) {
	steps := []exchangeStep{{"00B2010C00", "6101"}}
	for range maxExchangeSteps - 1 {
		steps = append(steps, exchangeStep{"00C0000001", "AA6101"})
	}
	card := &scriptCard{t: t, steps: steps}
	_, err := Exchange(context.Background(), card, Command{INS: 0xB2, P1: 1, P2: 0x0C, Le: 0})
	if !errors.Is(err, ErrBadResponse) {
		t.Errorf("Exchange() with endless 61xx error = %v, want ErrBadResponse", err)
	}
}

func TestExchangeErrors(t *testing.T) {
	gone := errors.New("transport: gone")
	card := &scriptCard{t: t, err: gone}
	if _, err := Exchange(context.Background(), card, Command{INS: 0xA4, Le: 0}); !errors.Is(err, gone) {
		t.Errorf("Exchange() over a failing transceiver error = %v, want %v", err, gone)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Exchange(ctx, &scriptCard{t: t}, Command{INS: 0xA4, Le: 0}); !errors.Is(err, context.Canceled) {
		t.Errorf("Exchange() with a cancelled context error = %v, want context.Canceled", err)
	}
	bad := &scriptCard{t: t, steps: []exchangeStep{{"00A4000000", "90"}}}
	if _, err := Exchange(context.Background(), bad, Command{INS: 0xA4, Le: 0}); !errors.Is(err, ErrBadResponse) {
		t.Errorf("Exchange() with a 1-byte answer error = %v, want ErrBadResponse", err)
	}
}

func TestStatusErrorMeaning(t *testing.T) {
	tests := []struct {
		sw   uint16
		want string
	}{
		{0x6A82, "file or application not found"},
		{0x6985, "conditions of use not satisfied"},
		{0x6D00, "instruction not supported"},
		{0x6E00, "class not supported"},
		{0x6700, "wrong length"},
		{0x6A81, "function not supported"},
		{0x63C2, "verification failed, 2 tries left"},
		{0x6A99, "wrong parameters"},
		{0x1234, "unknown status"},
	}
	for _, tt := range tests {
		e := &StatusError{SW: tt.sw}
		if got := e.Meaning(); got != tt.want {
			t.Errorf("StatusError{%04X}.Meaning() = %q, want %q", tt.sw, got, tt.want)
		}
		if got := e.Error(); !strings.Contains(got, tt.want) || !strings.HasPrefix(got, "nfc: ") {
			t.Errorf("StatusError{%04X}.Error() = %q, want it to start nfc: and say %q", tt.sw, got, tt.want)
		}
	}
	if errors.Is(&StatusError{SW: 0x6A82}, &StatusError{SW: 0x6A83}) {
		t.Error("StatusError 6A82 matches 6A83")
	}
}
