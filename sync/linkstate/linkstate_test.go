package linkstate_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/sync/linkstate"
)

// clock is a test clock moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

var errDown = errors.New("test: connection refused")

// TestHysteresis walks one provider through a sequence of outcomes; "x" is
// a failure, "." an answer, and want is the state after each.
func TestHysteresis(t *testing.T) {
	const (
		on  = pos.LinkOnline
		off = pos.LinkOffline
		par = pos.LinkPartial
	)
	tests := []struct {
		name     string
		outcomes string
		want     []pos.Link
	}{
		{"one failure does not flap", "x.", []pos.Link{on, on}},
		{"two failures in a row still online", "xx.", []pos.Link{on, on, on}},
		{"three in a row: offline", "xxx", []pos.Link{on, on, off}},
		{"one answer after an outage is not enough", "xxx.x.", []pos.Link{on, on, off, off, off, off}},
		{"two answers bring it back", "xxx..", []pos.Link{on, on, off, off, on}},
		{"back online starts afresh", "xxx..x.", []pos.Link{on, on, off, off, on, on, on}},
		{"scattered failures: partial", "x.x.x", []pos.Link{on, on, on, on, par}},
		{"partial until failures leave the window", "x.x.x........", []pos.Link{on, on, on, on, par,
			par, par, par, par, par, par, par, on}},
		{"partial to offline", "x.x.xxx", []pos.Link{on, on, on, on, par, par, off}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)}
			m := &linkstate.Monitor{Now: clk.Now}
			for i, o := range tt.outcomes {
				var err error
				if o == 'x' {
					err = errDown
				}
				clk.Advance(time.Second)
				m.Report(pos.Alipay, err)
				if got := m.State(pos.Alipay); got != tt.want[i] {
					t.Fatalf("after %q: %s, want %s", tt.outcomes[:i+1], got, tt.want[i])
				}
			}
		})
	}
}

func TestStatus(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)}
	m := &linkstate.Monitor{Now: clk.Now, Targets: []linkstate.Target{{Provider: pos.Wechat}, {Provider: pos.Alipay}}}
	m.Report(pos.Alipay, nil)
	okAt := clk.Now()
	for range 3 {
		clk.Advance(time.Minute)
		m.Report(pos.Alipay, errDown)
	}
	if got := m.Overall(); got != pos.LinkPartial {
		t.Errorf("Overall with Alipay down, WeChat online = %s, want partial", got)
	}
	st := m.Status()
	if len(st) != 2 || st[0].Provider != pos.Wechat || st[1].Provider != pos.Alipay {
		t.Fatalf("Status order %+v, want the targets' order", st)
	}
	if a := st[1]; a.Link != pos.LinkOffline || !a.Since.Equal(clk.Now()) || !a.LastOK.Equal(okAt) || a.LastError == "" {
		t.Errorf("Alipay status %+v", a)
	}
	m.Report(pos.Wechat, context.Canceled) // the caller gave up: not the link's fault
	if m.State(pos.Wechat) != pos.LinkOnline || m.Status()[0].LastError != "" {
		t.Error("a cancelled call counted as a failure")
	}
}

func TestSubscribe(t *testing.T) {
	m := &linkstate.Monitor{}
	var changes []linkstate.Change
	stop := m.Subscribe(func(c linkstate.Change) { changes = append(changes, c) })
	report := func(errs ...error) {
		for _, err := range errs {
			m.Report(pos.Alipay, err)
		}
	}
	report(nil, errDown, errDown, errDown, nil, nil)
	stop()
	report(errDown, errDown, errDown)
	want := []linkstate.Change{{Provider: pos.Alipay, From: pos.LinkOnline, To: pos.LinkOffline},
		{Provider: pos.Alipay, From: pos.LinkOffline, To: pos.LinkOnline}}
	if len(changes) != len(want) {
		t.Fatalf("heard %+v; want offline then online, and nothing after unsubscribing", changes)
	}
	for i, c := range changes {
		if c.Provider != want[i].Provider || c.From != want[i].From || c.To != want[i].To {
			t.Errorf("change %d = %+v, want %+v", i, c, want[i])
		}
	}
	if changes[0].Cause == "" || changes[1].Cause != "" {
		t.Errorf("causes %q, %q: want the error going down, none coming back", changes[0].Cause, changes[1].Cause)
	}
}

// flaky is a gateway on a fixed loopback address that can go away (its
// listener closed: connections are refused) and come back, or answer 503.
type flaky struct {
	t    *testing.T
	addr string
	srv  *httptest.Server
	code int
}

func newFlaky(t *testing.T) *flaky {
	f := &flaky{t: t, code: http.StatusMethodNotAllowed} // a gateway that wants POST: still there
	f.up()
	t.Cleanup(func() { f.down() })
	return f
}

func (f *flaky) up() {
	addr := f.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		f.t.Fatal(err)
	}
	f.addr = ln.Addr().String()
	f.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(f.code) })}}
	f.srv.Start()
}

func (f *flaky) down() {
	if f.srv != nil {
		f.srv.Close()
		f.srv = nil
	}
}

func (f *flaky) url() string { return "http://" + f.addr + "/alipay/gateway.do" }

// TestProbeDownAndUp: probes against a real loopback server that goes away
// and comes back; the worker is woken once, when it comes back.
func TestProbeDownAndUp(t *testing.T) {
	gw := newFlaky(t)
	m := &linkstate.Monitor{Targets: []linkstate.Target{{Provider: pos.Alipay, URL: gw.url()}},
		ProbeTimeout: time.Second, Client: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}}
	var wakes int
	m.Subscribe(func(c linkstate.Change) {
		if c.To == pos.LinkOnline {
			wakes++
		}
	})
	ctx := context.Background()
	probe := func(want pos.Link) {
		t.Helper()
		m.Probe(ctx)
		if got := m.State(pos.Alipay); got != want {
			t.Fatalf("after a probe: %s, want %s (last error %q)", got, want, m.Status()[0].LastError)
		}
	}
	probe(pos.LinkOnline) // 405 to a HEAD: the gateway is there
	gw.down()
	probe(pos.LinkOnline)
	probe(pos.LinkOnline)
	probe(pos.LinkOffline)
	if !strings.Contains(m.Status()[0].LastError, "refused") {
		t.Errorf("last error %q, want the refused connection", m.Status()[0].LastError)
	}
	gw.up()
	probe(pos.LinkOffline)
	probe(pos.LinkOnline)
	if wakes != 1 {
		t.Errorf("%d wake-ups, want 1 (when the link came back)", wakes)
	}
	gw.code = http.StatusServiceUnavailable
	probe(pos.LinkOnline)
	probe(pos.LinkOnline)
	probe(pos.LinkOffline)
}

// TestTransportReports: real calls through the wrapped transport count.
func TestTransportReports(t *testing.T) {
	gw := newFlaky(t)
	m := &linkstate.Monitor{}
	c := &http.Client{Transport: m.Transport(pos.Wechat, &http.Transport{DisableKeepAlives: true})}
	call := func() {
		resp, err := c.Post(gw.url(), "text/xml", strings.NewReader("<xml/>"))
		if err == nil {
			resp.Body.Close()
		}
	}
	gw.code = http.StatusBadGateway
	call()
	call()
	gw.code = http.StatusOK
	call() // answered: the failures in a row are over
	gw.down()
	call()
	call()
	if got := m.State(pos.Wechat); got != pos.LinkPartial {
		t.Errorf("after 502, 502, 200, refused, refused: %s, want partial (never three in a row)", got)
	}
	call()
	if got := m.State(pos.Wechat); got != pos.LinkOffline {
		t.Errorf("after three refused calls in a row: %s, want offline", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, gw.url(), nil)
	if _, err := c.Do(req); err == nil {
		t.Fatal("a cancelled call succeeded")
	}
	if n := len(m.Status()); n != 1 {
		t.Errorf("status %+v", m.Status())
	}
}
