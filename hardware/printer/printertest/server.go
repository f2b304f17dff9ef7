// Package printertest provides a network receipt printer on the loopback
// interface for tests: it keeps the bytes it receives, answers DLE EOT
// status requests with a status the test sets, and fails on demand by
// hanging up, going silent or refusing connections.
//
// It encodes status bytes with its own code, not package printer's, so that
// a bug in one cannot hide in the other.
package printertest

import (
	"errors"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"zhanggui/hardware/printer"
)

// Mode is how the server treats a connection.
type Mode int

const (
	Normal Mode = iota // read jobs and answer status requests
	Hangup             // close each connection as soon as it is accepted
	Silent             // accept, then neither read nor answer: clients time out
	Refuse             // stop listening: connections are refused
)

// WaitMax bounds WaitJobs before it fails the test.
const WaitMax = 10 * time.Second

// Server is a loopback printer. Its methods are safe for concurrent use.
type Server struct {
	t    testing.TB
	addr string

	mu       sync.Mutex
	ln       net.Listener // nil while refusing or closed
	mode     Mode
	failNext int  // connections still to treat as failMode
	failMode Mode // Hangup or Silent
	status   printer.Status
	received []byte
	jobs     [][]byte
	conns    map[net.Conn]struct{}
	accepted int
	changed  chan struct{} // closed and replaced whenever jobs or accepted grow
	closed   bool
	wg       sync.WaitGroup
}

// NewServer starts a printer on 127.0.0.1 at a free port, online with
// paper loaded. It stops when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("printertest: listen: %v", err)
	}
	s := &Server{
		t:       t,
		addr:    ln.Addr().String(),
		status:  printer.Status{Online: true},
		conns:   map[net.Conn]struct{}{},
		changed: make(chan struct{}),
	}
	s.listen(ln)
	t.Cleanup(s.Close)
	return s
}

// Addr is the server's host:port, for printer.TCP.
func (s *Server) Addr() string { return s.addr }

// SetStatus sets what the server reports to DLE EOT requests. It does not
// stop the server from taking jobs, as a printer's buffer would not.
func (s *Server) SetStatus(st printer.Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = st
}

// SetMode changes how new connections are treated; connections already
// open keep theirs. Leaving Refuse listens again on the same address.
func (s *Server) SetMode(m Mode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.mode = m
	switch {
	case m == Refuse && s.ln != nil:
		_ = s.ln.Close() // the accept loop ends with the error
		s.ln = nil
	case m != Refuse && s.ln == nil:
		ln, err := net.Listen("tcp", s.addr)
		if err != nil {
			s.t.Errorf("printertest: listen again on %s: %v", s.addr, err)
			return
		}
		s.listenLocked(ln)
	}
}

// FailNext makes the next n connections behave as m (Hangup or Silent);
// the ones after behave as the mode set.
func (s *Server) FailNext(n int, m Mode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failMode = n, m
}

// Jobs returns the data of every finished connection that sent any, status
// requests left out, oldest first.
func (s *Server) Jobs() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.jobs)
}

// Received returns every byte received so far, status requests included.
func (s *Server) Received() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.received)
}

// Accepted reports how many connections the server has accepted.
func (s *Server) Accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// WaitJobs waits until at least n jobs have finished and returns them. It
// fails the test after WaitMax.
func (s *Server) WaitJobs(n int) [][]byte {
	s.t.Helper()
	s.wait(func() bool { return len(s.jobs) >= n }, "%d jobs finished", n)
	return s.Jobs()
}

// WaitAccepted waits until the server has accepted at least n connections.
// It fails the test after WaitMax.
func (s *Server) WaitAccepted(n int) {
	s.t.Helper()
	s.wait(func() bool { return s.accepted >= n }, "%d connections accepted", n)
}

// wait blocks until done, called with s.mu held, is true; it wakes at each
// change instead of polling.
func (s *Server) wait(done func() bool, format string, n int) {
	s.t.Helper()
	timeout := time.NewTimer(WaitMax)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		ok, changed := done(), s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-timeout.C:
			s.t.Fatalf("printertest: waited %v for "+format, WaitMax, n)
		}
	}
}

// changedLocked wakes every wait; s.mu is held.
func (s *Server) changedLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Close stops the server and closes every connection. NewServer arranges
// for it to run when the test ends.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	if s.ln != nil {
		_ = s.ln.Close() // the accept loop ends with the error
		s.ln = nil
	}
	for c := range s.conns {
		_ = c.Close() // its serve loop ends with the error
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) listen(ln net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listenLocked(ln)
}

func (s *Server) listenLocked(ln net.Listener) {
	s.ln = ln
	s.wg.Add(1)
	go s.accept(ln)
}

func (s *Server) accept(ln net.Listener) {
	defer s.wg.Done()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				s.t.Errorf("printertest: accept: %v", err)
			}
			return
		}
		s.admit(conn)
	}
}

// admit starts serving conn in the mode it gets, unless the server closed.
func (s *Server) admit(conn net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = conn.Close() // too late: the server is gone
		return
	}
	s.accepted++
	s.changedLocked()
	mode := s.mode
	if s.failNext > 0 {
		s.failNext--
		mode = s.failMode
	}
	switch mode {
	case Hangup:
		_ = conn.Close() // the point of Hangup
	case Silent:
		s.conns[conn] = struct{}{} // held open until Close
	default:
		s.conns[conn] = struct{}{}
		s.wg.Add(1)
		go s.serve(conn)
	}
}
