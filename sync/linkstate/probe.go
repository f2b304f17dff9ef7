package linkstate

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"zhanggui/pos"
)

// Probe asks every target once, at the same time, and reports each
// outcome. A probe is an HTTP HEAD of the target's URL: any answer below
// 500 means the provider is there (a gateway may well refuse a HEAD); a
// 5xx, a refused connection or no answer within ProbeTimeout is a failure.
func (m *Monitor) Probe(ctx context.Context) {
	var wg sync.WaitGroup
	for _, t := range m.Targets {
		wg.Go(func() { m.Report(t.Provider, m.probe(ctx, t)) })
	}
	wg.Wait()
}

func (m *Monitor) probe(ctx context.Context, t Target) error {
	ctx, cancel := context.WithTimeout(ctx, orDefault(m.ProbeTimeout, DefaultProbeTimeout))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, t.URL, nil)
	if err != nil {
		return fmt.Errorf("linkstate: probe %s: %w", t.Provider, err)
	}
	resp, err := m.client().Do(req)
	if err != nil {
		return fmt.Errorf("linkstate: probe %s: %w", t.Provider, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096)) // drained so the connection is reused; a HEAD has no body
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		return fmt.Errorf("linkstate: probe %s: HTTP %d", t.Provider, resp.StatusCode)
	}
	return nil
}

var defaultClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}

func (m *Monitor) client() *http.Client {
	if m.Client != nil {
		return m.Client
	}
	return defaultClient
}

// Run probes every ProbeEvery, or every ProbeOffline while a link is
// offline, until ctx ends. Between probes it sleeps: real calls keep the
// state current in between (Transport).
func (m *Monitor) Run(ctx context.Context) {
	for {
		m.Probe(ctx)
		every := orDefault(m.ProbeEvery, DefaultProbeEvery)
		if m.anyOffline() {
			every = min(every, orDefault(m.ProbeOffline, DefaultProbeOffline))
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

func (m *Monitor) anyOffline() bool {
	for _, s := range m.Status() {
		if s.Link == pos.LinkOffline {
			return true
		}
	}
	return false
}

// Transport wraps next (nil: http.DefaultTransport) so that every call a
// provider client makes through it reports to the monitor: an answer
// below 500 is a success, a transport error or a 5xx a failure.
func (m *Monitor) Transport(p pos.Provider, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return reporter{m: m, p: p, next: next}
}

type reporter struct {
	m    *Monitor
	p    pos.Provider
	next http.RoundTripper
}

func (r reporter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	switch {
	case err != nil && req.Context().Err() == context.Canceled:
		// the caller gave up: nothing learned about the link
	case err != nil:
		r.m.Report(r.p, err)
	case resp.StatusCode >= 500:
		r.m.Report(r.p, fmt.Errorf("linkstate: %s answered HTTP %d", r.p, resp.StatusCode))
	default:
		r.m.Report(r.p, nil)
	}
	return resp, err
}
