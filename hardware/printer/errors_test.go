package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"testing"
)

func TestChineseMessage(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"paper end", fmt.Errorf("printer: queue: job 1: %w", ErrPaperEnd), "打印机缺纸"},
		{"cover open", fmt.Errorf("x: %w", ErrCoverOpen), "打印机盖未关"},
		{"timeout", failure("printer: tcp a:9100", "send", os.ErrDeadlineExceeded), "打印超时"},
		{"context deadline", context.DeadlineExceeded, "打印超时"},
		{"refused", failure("printer: tcp a:9100", "connect", syscall.ECONNREFUSED), "打印机未连接，请检查电源和连线"},
		{"refused, not wrapped by us", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), "打印机未连接，请检查电源和连线"},
		{"no device", failure("printer: device /dev/usb/lp0", "open", os.ErrNotExist), "打印机未连接，请检查电源和连线"},
		{"no such device", &os.PathError{Op: "open", Path: "/dev/usb/lp0", Err: syscall.ENODEV}, "打印机未连接，请检查电源和连线"},
		{"offline", fmt.Errorf("x: %w", ErrOffline), "打印失败，可稍后重打"},
		{"queue full", fmt.Errorf("x: %w", ErrQueueFull), "打印失败，可稍后重打"},
		{"eof", io.EOF, "打印失败，可稍后重打"},
		{"other", errors.New("boom"), "打印失败，可稍后重打"},
	}
	for _, tt := range tests {
		if got := ChineseMessage(tt.err); got != tt.want {
			t.Errorf("%s: ChineseMessage(%v) = %q, want %q", tt.name, tt.err, got, tt.want)
		}
	}
}

func TestFailureKeepsCause(t *testing.T) {
	err := failure("printer: tcp 10.0.0.9:9100", "connect", syscall.ECONNREFUSED)
	if !errors.Is(err, ErrNotConnected) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("failure(...) = %v: want both ErrNotConnected and ECONNREFUSED in its chain", err)
	}
	want := "printer: tcp 10.0.0.9:9100: connect: printer not connected: connection refused"
	if got := err.Error(); got != want {
		t.Errorf("failure(...).Error() = %q, want %q", got, want)
	}
}
