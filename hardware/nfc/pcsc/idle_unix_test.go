//go:build unix

package pcsc_test

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"

	"zhanggui/hardware/nfc"
)

// cpuTime is the CPU time this process has used.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestWaitIdleUsesNoCPU checks that waiting sleeps in pcscd instead of
// polling: on an empty reader, and for a reader not plugged in (only the
// PnP notification can end that wait, with nfc.ErrNoReader at the deadline).
func TestWaitIdleUsesNoCPU(t *testing.T) {
	r := newRig(t)
	const wait = 400 * time.Millisecond
	for _, tt := range []struct {
		reader string
		want   error
	}{
		{r.slot.Reader, nfc.ErrNoCard},
		{"No Such Reader 00 00", nfc.ErrNoReader},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		before := cpuTime(t)
		_, err := r.pc.WaitCard(ctx, tt.reader)
		used := cpuTime(t) - before
		cancel()
		if !errors.Is(err, tt.want) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("WaitCard(%q) error = %v, want %v at the deadline", tt.reader, err, tt.want)
		}
		if used > wait/4 {
			t.Errorf("WaitCard(%q) used %v of CPU in %v: it polls", tt.reader, used, wait)
		}
		t.Logf("WaitCard(%q) used %v of CPU in %v", tt.reader, used, wait)
	}
}
