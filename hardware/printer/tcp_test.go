package printer_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"zhanggui/hardware/printer"
	"zhanggui/hardware/printer/escpostest"
	"zhanggui/hardware/printer/printertest"
)

// testJob is a small receipt.
func testJob(t testing.TB) []byte {
	t.Helper()
	b, err := printer.Encode(printer.Doc{
		Shop:  "掌柜便利店",
		Lines: []printer.Line{{Name: "可口可乐 330ml", Qty: "1", Price: "3.50", Amount: "3.50"}},
		Cut:   true,
	}, printer.Paper58)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTCPPrint(t *testing.T) {
	srv := printertest.NewServer(t)
	job := testJob(t)
	p := printer.TCP{Addr: srv.Addr(), Timeout: 2 * time.Second}
	if err := p.Print(context.Background(), job); err != nil {
		t.Fatalf("Print: %v", err)
	}
	jobs := srv.WaitJobs(1)
	if !bytes.Equal(jobs[0], job) {
		t.Errorf("printer got % x, want % x", jobs[0], job)
	}
	r, err := escpostest.Decode(jobs[0])
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if r.Lines[0].Text != "掌柜便利店" || r.Count("GS V") != 1 {
		t.Errorf("printed\n%s\nwant the shop first and a cut", r.Text())
	}
}

func TestTCPStatus(t *testing.T) {
	srv := printertest.NewServer(t)
	p := printer.TCP{Addr: srv.Addr(), Timeout: 2 * time.Second}
	for _, want := range []printer.Status{
		{Online: true},
		{Online: true, PaperNearEnd: true, DrawerOpen: true},
		{PaperEnd: true},
		{CoverOpen: true},
		{Error: true},
	} {
		srv.SetStatus(want)
		got, err := p.Status(context.Background())
		if err != nil {
			t.Fatalf("Status with %+v: %v", want, err)
		}
		if got != want {
			t.Errorf("Status() = %+v, want %+v", got, want)
		}
	}
	if jobs := srv.Jobs(); len(jobs) != 0 {
		t.Errorf("status queries left jobs %q, want none", jobs)
	}
}

func TestTCPRefused(t *testing.T) {
	srv := printertest.NewServer(t)
	srv.SetMode(printertest.Refuse)
	p := printer.TCP{Addr: srv.Addr(), Timeout: 2 * time.Second}
	err := p.Print(context.Background(), testJob(t))
	if !errors.Is(err, printer.ErrNotConnected) {
		t.Fatalf("Print to a refusing port = %v, want ErrNotConnected", err)
	}
	if got, want := printer.ChineseMessage(err), "打印机未连接，请检查电源和连线"; got != want {
		t.Errorf("ChineseMessage(%v) = %q, want %q", err, got, want)
	}
	if _, err := p.Status(context.Background()); !errors.Is(err, printer.ErrNotConnected) {
		t.Errorf("Status of a refusing port = %v, want ErrNotConnected", err)
	}
	srv.SetMode(printertest.Normal) // back on the same port
	if err := p.Print(context.Background(), testJob(t)); err != nil {
		t.Errorf("Print after the printer is back: %v", err)
	}
}

func TestTCPPaperEnd(t *testing.T) {
	srv := printertest.NewServer(t)
	srv.SetStatus(printer.Status{PaperEnd: true, PaperNearEnd: true})
	p := printer.TCP{Addr: srv.Addr(), Timeout: 2 * time.Second}
	st, err := p.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Err(); !errors.Is(err, printer.ErrPaperEnd) || printer.ChineseMessage(err) != "打印机缺纸" {
		t.Errorf("Status() = %+v, Err() = %v, want paper end", st, err)
	}
}

func TestTCPTimeout(t *testing.T) {
	srv := printertest.NewServer(t)
	srv.SetMode(printertest.Silent)
	p := printer.TCP{Addr: srv.Addr(), Timeout: 100 * time.Millisecond}
	_, err := p.Status(context.Background())
	if !errors.Is(err, printer.ErrTimeout) {
		t.Fatalf("Status of a silent printer = %v, want ErrTimeout", err)
	}
	if got := printer.ChineseMessage(err); got != "打印超时" {
		t.Errorf("ChineseMessage(%v) = %q, want 打印超时", err, got)
	}
	// A job larger than the socket buffers cannot be handed over.
	big := make([]byte, 16<<20)
	if err := p.Print(context.Background(), big); !errors.Is(err, printer.ErrTimeout) {
		t.Errorf("Print of 16 MiB to a silent printer = %v, want ErrTimeout", err)
	}
}

func TestTCPContextCancel(t *testing.T) {
	srv := printertest.NewServer(t)
	srv.SetMode(printertest.Silent)
	p := printer.TCP{Addr: srv.Addr(), Timeout: time.Minute}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := p.Status(ctx)
		done <- err
	}()
	srv.WaitAccepted(1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Status after cancel = %v, want context.Canceled", err)
	}
}

func TestTCPHangup(t *testing.T) {
	srv := printertest.NewServer(t)
	srv.SetMode(printertest.Hangup)
	p := printer.TCP{Addr: srv.Addr(), Timeout: 2 * time.Second}
	if _, err := p.Status(context.Background()); err == nil {
		t.Errorf("Status from a printer that hangs up = nil error, want one")
	}
}
