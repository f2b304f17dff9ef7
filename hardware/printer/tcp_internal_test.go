package printer

import "testing"

func TestTCPAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"192.168.1.87", "192.168.1.87:9100"},
		{"192.168.1.87:9101", "192.168.1.87:9101"},
		{"printer.local", "printer.local:9100"},
		{"fe80::1", "[fe80::1]:9100"},
		{"[fe80::1]:9100", "[fe80::1]:9100"},
	}
	for _, tt := range tests {
		if got := (TCP{Addr: tt.in}).addr(); got != tt.want {
			t.Errorf("TCP{Addr: %q}.addr() = %q, want %q", tt.in, got, tt.want)
		}
	}
}
