package printer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"zhanggui/hardware/printer"
	"zhanggui/hardware/printer/escpostest"
)

func TestFileAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "receipts.bin")
	p := printer.File{Path: path}
	job := testJob(t)
	for range 2 {
		if err := p.Print(context.Background(), job); err != nil {
			t.Fatalf("Print: %v", err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := append(bytes.Clone(job), job...); !bytes.Equal(got, want) {
		t.Errorf("file holds %d bytes, want the job twice (%d)", len(got), len(want))
	}
	r, err := escpostest.Decode(got)
	if err != nil {
		t.Fatalf("Decode(file): %v", err)
	}
	if n := r.Count("GS V"); n != 2 {
		t.Errorf("file has %d cuts, want 2", n)
	}
}

func TestFileBadDir(t *testing.T) {
	p := printer.File{Path: filepath.Join(t.TempDir(), "no", "such", "dir", "r.bin")}
	if err := p.Print(context.Background(), []byte("x")); err == nil {
		t.Errorf("Print into a missing directory = nil, want an error")
	}
}

func TestDevice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lp0")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	p := printer.Device{Path: path}
	if err := p.Print(context.Background(), []byte("hello")); err != nil {
		t.Fatalf("Print: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "hello" {
		t.Errorf("device got %q, want %q", got, "hello")
	}
	_, err := p.Status(context.Background())
	if !errors.Is(err, printer.ErrStatusUnsupported) {
		t.Errorf("Device.Status = %v, want ErrStatusUnsupported", err)
	}
}

func TestDeviceMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lp0")
	err := printer.Device{Path: path}.Print(context.Background(), []byte("x"))
	if !errors.Is(err, printer.ErrNotConnected) {
		t.Fatalf("Print to a missing device = %v, want ErrNotConnected", err)
	}
	if got := printer.ChineseMessage(err); got != "打印机未连接，请检查电源和连线" {
		t.Errorf("ChineseMessage(%v) = %q", err, got)
	}
	if _, serr := os.Stat(path); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("Print created %s; a device sink must not create files", path)
	}
}

// TestDeviceBlocked writes to a pipe nobody reads, as to a printer that
// stopped taking data: the context's deadline must end the write.
func TestDeviceBlocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	// The reader keeps the pipe open without reading, so the open for
	// writing does not wait and the write fills the pipe and blocks.
	r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err = printer.Device{Path: path}.Print(ctx, make([]byte, 1<<20))
	if !errors.Is(err, printer.ErrTimeout) {
		t.Errorf("Print to a stuck device = %v, want ErrTimeout", err)
	}
}

// TestDevicePipe prints through a pipe with a reader, as through usblp.
func TestDevicePipe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		r, err := os.Open(path)
		if err != nil {
			got <- nil
			return
		}
		defer r.Close()
		b, _ := io.ReadAll(r)
		got <- b
	}()
	job := testJob(t)
	if err := (printer.Device{Path: path}).Print(context.Background(), job); err != nil {
		t.Fatalf("Print: %v", err)
	}
	if b := <-got; !bytes.Equal(b, job) {
		t.Errorf("reader got %d bytes, want the %d of the job", len(b), len(job))
	}
}

func TestOpen(t *testing.T) {
	tests := []struct {
		cfg  printer.Config
		want printer.Printer // nil: an error
	}{
		{printer.Config{}, printer.Discard{}},
		{printer.Config{Kind: "none"}, printer.Discard{}},
		{printer.Config{Kind: "tcp", Target: "10.0.0.9", Width: printer.Paper80, Timeout: time.Second},
			printer.TCP{Addr: "10.0.0.9", Timeout: time.Second}},
		{printer.Config{Kind: "device", Target: "/dev/usb/lp0", Width: printer.Paper58}, printer.Device{Path: "/dev/usb/lp0"}},
		{printer.Config{Kind: "file", Target: "/tmp/r.bin", Width: printer.Paper58}, printer.File{Path: "/tmp/r.bin"}},
		{printer.Config{Kind: "tcp", Target: "10.0.0.9"}, nil},                              // no width
		{printer.Config{Kind: "tcp", Width: printer.Paper58}, nil},                          // no target
		{printer.Config{Kind: "serial", Target: "/dev/ttyS0", Width: printer.Paper58}, nil}, // unknown kind
	}
	for _, tt := range tests {
		got, err := printer.Open(tt.cfg)
		switch {
		case tt.want == nil && err == nil:
			t.Errorf("Open(%+v) = %#v, want an error", tt.cfg, got)
		case tt.want != nil && (err != nil || got != tt.want):
			t.Errorf("Open(%+v) = %#v, %v; want %#v", tt.cfg, got, err, tt.want)
		}
	}
}
