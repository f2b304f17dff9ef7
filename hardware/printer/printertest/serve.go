package printertest

import (
	"net"

	"zhanggui/hardware/printer"
)

const (
	dle = 0x10
	eot = 0x04
)

// serve reads one connection until the client closes it, answering status
// requests as they come, then records the job.
func (s *Server) serve(conn net.Conn) {
	defer s.wg.Done()
	defer s.forget(conn)
	var (
		job  []byte
		scan scanner
		buf  = make([]byte, 4096)
	)
	for {
		n, err := conn.Read(buf)
		s.record(buf[:n])
		for _, c := range buf[:n] {
			var query byte
			if job, query = scan.feed(job, c); query != 0 {
				if _, werr := conn.Write([]byte{reply(query, s.currentStatus())}); werr != nil {
					return // the client went away; nothing to record
				}
			}
		}
		if err != nil {
			s.finish(job)
			return
		}
	}
}

func (s *Server) forget(conn net.Conn) {
	_ = conn.Close() // done with it; an error changes nothing
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, conn)
}

func (s *Server) record(b []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received = append(s.received, b...)
}

func (s *Server) currentStatus() printer.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

func (s *Server) finish(job []byte) {
	if len(job) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs = append(s.jobs, job)
	s.changedLocked()
}

// scanner finds DLE EOT n (n 1–4) in a byte stream, as a printer does:
// wherever it appears, split across reads or not.
type scanner struct {
	held int // how many bytes of a DLE EOT have been seen and held back: 0–2
}

// feed takes the next byte c. It appends to job the bytes that turn out to
// be data and, when c completes a status request, returns that request's n.
func (sc *scanner) feed(job []byte, c byte) ([]byte, byte) {
	switch {
	case sc.held == 0 && c != dle:
		return append(job, c), 0
	case sc.held == 0, sc.held == 1 && c == eot:
		sc.held++
		return job, 0
	case sc.held == 2 && c >= 1 && c <= 4:
		sc.held = 0
		return job, c
	}
	job = append(job, []byte{dle, eot}[:sc.held]...) // not a request after all
	sc.held = 0
	return sc.feed(job, c)
}

// reply is the status byte a printer sends for DLE EOT n, from st. Bits 1
// and 4 are always set (ESC/POS: fixed), the rest as the ESC/POS manual
// lays out each request.
func reply(n byte, st printer.Status) byte {
	b := byte(0x12)
	set := func(cond bool, bits byte) {
		if cond {
			b |= bits
		}
	}
	switch n {
	case 1: // printer status
		set(st.DrawerOpen, 0x04)
		set(!st.Online, 0x08)
	case 2: // offline cause
		set(st.CoverOpen, 0x04)
		set(st.PaperEnd, 0x20)
		set(st.Error, 0x40)
	case 3: // error cause: report an automatically recoverable error
		set(st.Error, 0x40)
	case 4: // roll paper sensors
		set(st.PaperNearEnd, 0x0c)
		set(st.PaperEnd, 0x60)
	}
	return b
}
