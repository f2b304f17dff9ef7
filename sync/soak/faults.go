package soak

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Clock is the till's clock: the real time plus an offset that jumps, as a
// machine's clock does when it is set by hand or synced after days off.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now returns the till's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset).UTC()
}

// Jump moves the clock by d (backwards if negative).
func (c *Clock) Jump(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Lossy is the network between the till and the providers at its worst: a
// fraction P of requests meet a fault, one of: a reset before the request
// is sent; a reset after the provider handled it (the answer is lost: a
// charge the till does not hear of); a 502 from a proxy; an answer held
// until the client gives up; an answer 300 ms late.
type Lossy struct {
	Next    http.RoundTripper
	P       float64
	Rand    *rand.Rand
	OnFault func(kind string)

	mu sync.Mutex
}

// RoundTrip sends req through Next, or fails it as described above.
func (l *Lossy) RoundTrip(req *http.Request) (*http.Response, error) {
	l.mu.Lock()
	r := l.Rand.Float64()
	l.mu.Unlock()
	if r >= l.P {
		return l.Next.RoundTrip(req)
	}
	switch kind := int(r / l.P * 5); kind {
	case 0:
		l.fault("reset-before-send")
		return nil, errors.New("soak: connection reset before the request left")
	case 1:
		l.fault("answer-lost")
		resp, err := l.Next.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		return nil, errors.New("soak: connection reset after the request was handled")
	case 2:
		l.fault("proxy-502")
		return &http.Response{StatusCode: http.StatusBadGateway, Status: "502 Bad Gateway", Proto: "HTTP/1.1",
			ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{"Content-Type": {"text/html"}},
			Body: io.NopCloser(strings.NewReader("<html>502 Bad Gateway</html>")), Request: req}, nil
	case 3:
		l.fault("answer-held-to-timeout")
		resp, err := l.Next.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		<-req.Context().Done() // the client's timeout
		return nil, fmt.Errorf("soak: no answer: %w", context.DeadlineExceeded)
	default:
		l.fault("slow-answer")
		time.Sleep(300 * time.Millisecond)
		return l.Next.RoundTrip(req)
	}
}

func (l *Lossy) fault(kind string) {
	if l.OnFault != nil {
		l.OnFault(kind)
	}
}

// Events appends one line per event to a file the parent reads at the end:
// a killed child loses at most the line it was writing.
type Events struct {
	mu sync.Mutex
	f  *os.File
}

// OpenEvents opens (appends to) the events file at path.
func OpenEvents(path string) (*Events, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("soak: events: %w", err)
	}
	return &Events{f: f}, nil
}

// Add records one event of kind.
func (e *Events) Add(kind string) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _ = e.f.WriteString(kind + "\n") // a count lost to a full disk is not worth stopping the till for
}

// Close closes the file.
func (e *Events) Close() error {
	if e == nil {
		return nil
	}
	return e.f.Close()
}

// CountEvents reads an events file into counts per kind.
func CountEvents(path string) (map[string]int, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]int{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		if line != "" {
			out[line]++
		}
	}
	return out, nil
}
