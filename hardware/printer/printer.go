package printer

import (
	"context"
	"fmt"
	"time"
)

// Printer prints one job: the bytes Encode returned.
type Printer interface {
	// Print sends job to the printer and returns when it has been handed
	// over or ctx has ended. A nil error means the printer took the bytes,
	// not that the paper came out.
	Print(ctx context.Context, job []byte) error
}

// StatusPrinter is a Printer that can also ask the printer how it is.
type StatusPrinter interface {
	Printer
	// Status asks the printer for its status. An error wrapping
	// ErrStatusUnsupported means the sink cannot ask; the printer may
	// still print.
	Status(ctx context.Context) (Status, error)
}

// Config chooses a printer; the application reads it from its settings.
type Config struct {
	Kind    string        // "tcp", "device", "file" or "none"; "" is "none"
	Target  string        // tcp: host or host:port (port 9100 by default); device, file: a path
	Width   Width         // the paper loaded, for the caller's Encode; checked here
	Timeout time.Duration // tcp only: DefaultTimeout when 0
}

// Open returns the printer cfg describes. It does no I/O, so a printer that
// is switched off at startup does not stop the till: the first print
// reports it. It returns an error for a Config that names no printer.
func Open(cfg Config) (Printer, error) {
	if cfg.Kind == "" || cfg.Kind == "none" {
		return Discard{}, nil
	}
	if err := cfg.Width.valid(); err != nil {
		return nil, fmt.Errorf("printer: config: %w", err)
	}
	if cfg.Target == "" {
		return nil, fmt.Errorf("printer: config: kind %q needs a target", cfg.Kind)
	}
	switch cfg.Kind {
	case "tcp":
		return TCP{Addr: cfg.Target, Timeout: cfg.Timeout}, nil
	case "device":
		return Device{Path: cfg.Target}, nil
	case "file":
		return File{Path: cfg.Target}, nil
	}
	return nil, fmt.Errorf("printer: config: unknown kind %q: want tcp, device, file or none", cfg.Kind)
}

// Discard is the printer of a till set up without one: it takes every job
// and prints nothing.
type Discard struct{}

// Print does nothing and returns nil.
func (Discard) Print(context.Context, []byte) error { return nil }
