package storage

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

var decodeKeyTests = []struct {
	name string
	in   string
	ok   bool
}{
	{"as written", strings.Repeat("0f", 32) + "\n", true},
	{"upper case, spaces around", "  " + strings.Repeat("AB", 32) + "\r\n", true},
	{"empty", "", false},
	{"short", strings.Repeat("0f", 31), false},
	{"long", strings.Repeat("0f", 33), false},
	{"odd", strings.Repeat("0f", 32) + "0", false},
	{"not hex", strings.Repeat("zz", 32), false},
	{"space inside", strings.Repeat("0f", 16) + " " + strings.Repeat("0f", 16), false},
}

func TestDecodeKey(t *testing.T) {
	for _, tt := range decodeKeyTests {
		if _, ok := decodeKey([]byte(tt.in)); ok != tt.ok {
			t.Errorf("decodeKey(%s) ok = %v, want %v", tt.name, ok, tt.ok)
		}
	}
}

// FuzzDecodeKey: an accepted file is 32 bytes that the written form gives
// back.
func FuzzDecodeKey(f *testing.F) {
	for _, tt := range decodeKeyTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		key, ok := decodeKey(b)
		if !ok {
			return
		}
		again, ok := decodeKey([]byte(hex.EncodeToString(key) + "\n"))
		if len(key) != SecretKeySize || !ok || !bytes.Equal(again, key) {
			t.Fatalf("decodeKey(%q) = %x; written back it reads %x, %v", b, key, again, ok)
		}
	})
}
