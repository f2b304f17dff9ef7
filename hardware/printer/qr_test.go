package printer

import (
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// TestQRCapacity checks the capacity table against an independent QR
// encoder: the version it picks for each table limit, and one byte more.
func TestQRCapacity(t *testing.T) {
	for v, c := range qrCapacityM {
		for _, n := range []int{c, c + 1} {
			if n > QRMax {
				continue
			}
			q, err := qrcode.New(strings.Repeat("a", n), qrcode.Medium)
			if err != nil {
				t.Fatalf("qrcode.New(%d bytes): %v", n, err)
			}
			want := v + 1
			if n > c {
				want = v + 2
			}
			if q.VersionNumber != want {
				t.Errorf("%d bytes at level M: go-qrcode picks version %d, table says %d", n, q.VersionNumber, want)
			}
		}
	}
}

func TestQRModule(t *testing.T) {
	tests := []struct {
		n    int
		w    Width
		want byte
	}{
		{40, Paper58, qrModuleMax}, // version 3: 29+8 modules, 10 dots would fit
		{300, Paper58, 4},          // version 13: 69+8 modules → 384/77
		{QRMax, Paper58, 2},        // version 40: 177+8 modules → 384/185
		{QRMax, Paper80, 3},        // 576/185
		{1000, Paper80, 4},         // version 26: 121+8 → 576/129
	}
	for _, tt := range tests {
		if got := qrModule(tt.n, tt.w); got != tt.want {
			t.Errorf("qrModule(%d, %d mm) = %d, want %d", tt.n, tt.w, got, tt.want)
		}
	}
}
