package printer

import (
	"errors"
	"testing"
)

var statusTests = []struct {
	name    string
	replies []byte // to DLE EOT 1, 2, 3, 4
	want    Status
	wantErr error // of Status.Err
}{
	{"ready", []byte{0x12, 0x12, 0x12, 0x12}, Status{Online: true}, nil},
	{"ready, undefined bits set", []byte{0x72, 0x1a, 0x16, 0x12}, Status{Online: true}, nil},
	{"drawer open", []byte{0x16, 0x12, 0x12, 0x12}, Status{Online: true, DrawerOpen: true}, nil},
	{"paper near end", []byte{0x12, 0x12, 0x12, 0x1e}, Status{Online: true, PaperNearEnd: true}, nil},
	{"paper end", []byte{0x1a, 0x32, 0x12, 0x7e}, Status{PaperEnd: true, PaperNearEnd: true}, ErrPaperEnd},
	{"paper end sensor only", []byte{0x1a, 0x12, 0x12, 0x72}, Status{PaperEnd: true}, ErrPaperEnd},
	{"cover open", []byte{0x1a, 0x16, 0x12, 0x12}, Status{CoverOpen: true}, ErrCoverOpen},
	{"cover open and paper end", []byte{0x1a, 0x36, 0x12, 0x72}, Status{CoverOpen: true, PaperEnd: true}, ErrPaperEnd},
	{"autocutter jam", []byte{0x1a, 0x52, 0x1a, 0x12}, Status{Error: true}, ErrOffline},
	{"offline, no cause", []byte{0x1a, 0x12, 0x12, 0x12}, Status{}, ErrOffline},
}

func TestParseStatus(t *testing.T) {
	for _, tt := range statusTests {
		got, err := ParseStatus(tt.replies)
		if err != nil {
			t.Errorf("%s: ParseStatus(% x): %v", tt.name, tt.replies, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s: ParseStatus(% x) = %+v, want %+v", tt.name, tt.replies, got, tt.want)
		}
		if err := got.Err(); !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
			t.Errorf("%s: Err() = %v, want %v", tt.name, err, tt.wantErr)
		}
	}
}

func TestParseStatusBad(t *testing.T) {
	tests := []struct {
		name    string
		replies []byte
	}{
		{"none", nil},
		{"three", []byte{0x12, 0x12, 0x12}},
		{"five", []byte{0x12, 0x12, 0x12, 0x12, 0x12}},
		{"bit 1 clear", []byte{0x12, 0x10, 0x12, 0x12}},
		{"bit 4 clear", []byte{0x12, 0x12, 0x02, 0x12}},
		{"bit 0 set", []byte{0x12, 0x12, 0x12, 0x13}},
		{"bit 7 set", []byte{0x92, 0x12, 0x12, 0x12}},
		{"ASCII reply", []byte("OK\r\n")},
	}
	for _, tt := range tests {
		if st, err := ParseStatus(tt.replies); err == nil {
			t.Errorf("%s: ParseStatus(% x) = %+v, want an error", tt.name, tt.replies, st)
		}
	}
}

func FuzzParseStatus(f *testing.F) {
	for _, tt := range statusTests {
		f.Add(tt.replies)
	}
	f.Add([]byte("OK\r\n"))
	f.Fuzz(func(t *testing.T, replies []byte) {
		st, err := ParseStatus(replies)
		if err != nil {
			return
		}
		for i, b := range replies {
			if b&0x93 != 0x12 {
				t.Errorf("accepted reply %d = %#02x without the fixed bits", i+1, b)
			}
		}
		if ready := st.Err() == nil; ready != (st.Online && !st.PaperEnd && !st.CoverOpen && !st.Error) {
			t.Errorf("%+v: Err() = %v", st, st.Err())
		}
	})
}
