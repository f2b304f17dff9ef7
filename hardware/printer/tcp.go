package printer

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"
)

// DefaultTimeout bounds connecting to a network printer, and then the whole
// exchange, when TCP.Timeout is 0.
const DefaultTimeout = 5 * time.Second

// lingerMax bounds the wait for a printer to close its side after a job.
const lingerMax = 250 * time.Millisecond

// TCP is a network printer taking raw ESC/POS on port 9100. Print and
// Status each open a connection of their own and close it when done, so
// that several tills can share one printer.
type TCP struct {
	Addr    string        // "192.168.1.87" or "192.168.1.87:9100"; port 9100 when none is given
	Timeout time.Duration // for connecting, then for the exchange; DefaultTimeout when 0
}

var _ StatusPrinter = TCP{}

// Print sends job over a new connection.
func (p TCP) Print(ctx context.Context, job []byte) error {
	conn, err := p.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close() // after linger there is nothing left to lose
	defer p.watch(ctx, conn)()
	if _, err := conn.Write(job); err != nil {
		return ctxFailure(ctx, p.where(), "send", err)
	}
	linger(conn)
	return nil
}

// Status asks the printer with DLE EOT 1 to 4 over a new connection,
// one real-time request at a time: printers answer them even when offline
// or with a full buffer.
func (p TCP) Status(ctx context.Context) (Status, error) {
	conn, err := p.dial(ctx)
	if err != nil {
		return Status{}, err
	}
	defer conn.Close() // every reply was read: nothing is lost
	defer p.watch(ctx, conn)()
	var replies [4]byte
	for i := range replies {
		if _, err := conn.Write(statusQuery(i + 1)); err != nil {
			return Status{}, ctxFailure(ctx, p.where(), "ask status", err)
		}
		if _, err := io.ReadFull(conn, replies[i:i+1]); err != nil {
			return Status{}, ctxFailure(ctx, p.where(), fmt.Sprintf("read status %d", i+1), err)
		}
	}
	st, err := ParseStatus(replies[:])
	if err != nil {
		return Status{}, fmt.Errorf("%s: %w", p.where(), err)
	}
	return st, nil
}

func (p TCP) addr() string {
	if _, _, err := net.SplitHostPort(p.Addr); err != nil {
		return net.JoinHostPort(p.Addr, "9100")
	}
	return p.Addr
}

func (p TCP) where() string { return "printer: tcp " + p.addr() }

func (p TCP) timeout() time.Duration {
	if p.Timeout > 0 {
		return p.Timeout
	}
	return DefaultTimeout
}

func (p TCP) dial(ctx context.Context) (net.Conn, error) {
	d := net.Dialer{Timeout: p.timeout()}
	conn, err := d.DialContext(ctx, "tcp", p.addr())
	if err != nil {
		return nil, ctxFailure(ctx, p.where(), "connect", err)
	}
	return conn, nil
}

// watch bounds the exchange on conn by the timeout and by ctx: when ctx
// ends, blocked reads and writes return at once. Call the result to stop.
func (p TCP) watch(ctx context.Context, conn net.Conn) (stop func()) {
	// A deadline error here would show as the first read or write failing.
	_ = conn.SetDeadline(time.Now().Add(p.timeout()))
	unwatch := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	return func() { unwatch() }
}

// linger half-closes conn and waits, at most lingerMax, for the printer to
// close its side, reading what it sends. Closing a socket with unread input
// makes the kernel reset the connection, and a reset throws away whatever
// the printer had received but not yet read: the end of the receipt. Some
// printers send status bytes unasked (automatic status back).
func linger(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.CloseWrite() // if it fails, the close that follows says the same
	}
	_ = conn.SetReadDeadline(time.Now().Add(lingerMax))
	_, _ = io.Copy(io.Discard, conn) // ends at the printer's close or the deadline: both are fine
}
