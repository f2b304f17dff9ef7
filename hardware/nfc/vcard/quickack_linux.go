//go:build linux

package vcard

import (
	"net"
	"syscall"
)

// quickAck asks Linux to acknowledge the next segments at once. vpcd sends
// each message as two writes (length, then payload) without TCP_NODELAY, so
// Nagle holds the payload until the length is acknowledged, and a delayed
// ACK would add some 40 ms to every APDU. The flag does not stick: it is set
// again before every read.
func quickAck(conn net.Conn) {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) { // only a speed-up: failing changes nothing else
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
