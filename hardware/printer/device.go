package printer

import (
	"context"
	"fmt"
	"os"
)

// Device is a printer on a character device, usually /dev/usb/lp0 from
// Linux's usblp driver. Each Print opens the device, writes and closes it,
// so a printer unplugged and plugged back in works again at once.
type Device struct {
	Path string
}

var _ StatusPrinter = Device{}

// Print writes job to the device.
func (d Device) Print(ctx context.Context, job []byte) error {
	// No O_CREATE: a missing device must fail, not become a regular file.
	f, err := os.OpenFile(d.Path, os.O_WRONLY, 0)
	if err != nil {
		return failure(d.where(), "open", err)
	}
	return writeClose(ctx, f, job, d.where())
}

// Status returns an error wrapping ErrStatusUnsupported. Replies come back
// through usblp only from printers in bidirectional mode, and a read there
// may block past any deadline, so the device sink does not ask.
func (d Device) Status(context.Context) (Status, error) {
	return Status{}, fmt.Errorf("%s: status: %w", d.where(), ErrStatusUnsupported)
}

func (d Device) where() string { return "printer: device " + d.Path }

// File appends every job to a file: for tests, and for trying the till
// without a printer (escpostest decodes the file).
type File struct {
	Path string
}

var _ Printer = File{}

// Print appends job to the file, creating it if needed.
func (f File) Print(ctx context.Context, job []byte) error {
	fh, err := os.OpenFile(f.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return failure("printer: file "+f.Path, "open", err)
	}
	return writeClose(ctx, fh, job, "printer: file "+f.Path)
}

// writeClose writes job to f and closes it. If ctx ends first it closes f,
// which ends a write blocked on a device or a pipe, and returns at once; on
// a file the kernel cannot interrupt, the goroutine writing stays until the
// driver gives up.
func writeClose(ctx context.Context, f *os.File, job []byte, where string) error {
	done := make(chan error, 1)
	go func() {
		_, err := f.Write(job)
		done <- err
	}()
	select {
	case err := <-done:
		if cerr := f.Close(); err == nil {
			err = cerr // the driver may report a failed write only at close
		}
		if err != nil {
			return failure(where, "write", err)
		}
		return nil
	case <-ctx.Done():
		_ = f.Close() // to unblock the write; the job has failed either way
		return failure(where, "write", ctx.Err())
	}
}
