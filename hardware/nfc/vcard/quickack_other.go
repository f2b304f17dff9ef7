//go:build !linux

package vcard

import "net"

// quickAck is Linux only; elsewhere APDUs take the delayed-ACK time longer.
func quickAck(net.Conn) {}
