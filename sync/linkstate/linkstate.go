// Package linkstate tells the till whether each provider can be reached:
// 在线 (online), 离线 (offline) or 部分可用 (partial). It learns from cheap
// probes (an HTTP HEAD to the provider's gateway with a short timeout) and
// from the outcome of every real call (Transport wraps a client's
// RoundTripper), with hysteresis so that one failure does not flip the
// status bar, nor one success after an outage declare the link healthy.
// Subscribers hear of every change: app wakes the outbox worker when a link
// returns.
//
// It decides nothing about payments: pos.CheckOnlinePayment does, given the
// pos.Link this package measures. It imports no other adapter.
package linkstate

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"zhanggui/pos"
)

// Target is a provider and the URL its probe asks (the gateway's).
type Target struct {
	Provider pos.Provider
	URL      string
}

// Change is a provider's link moving from one state to another.
type Change struct {
	Provider pos.Provider
	From, To pos.Link
	At       time.Time
	Cause    string // the last error, when the link got worse
}

// Status is a provider's link as the status bar shows it.
type Status struct {
	Provider  pos.Provider
	Link      pos.Link
	Since     time.Time // when it entered this state (zero: since start)
	LastOK    time.Time // the last call or probe that got an answer
	LastError string    // the last failure, for the owner
}

// Defaults of the Monitor's thresholds and cadence.
const (
	DefaultDownAfter    = 3 // failures in a row: offline
	DefaultUpAfter      = 2 // answers in a row: back online
	DefaultWindow       = 10
	DefaultPartialAt    = 3 // failures among the last Window outcomes: partial
	DefaultProbeTimeout = 3 * time.Second
	DefaultProbeEvery   = 30 * time.Second
	// DefaultProbeOffline probes faster while a link is offline: the
	// sooner its return is seen, the sooner the outbox drains.
	DefaultProbeOffline = 10 * time.Second
)

// Monitor keeps the link state of each provider. Set the fields before
// the first call; the zero values take the defaults. It is safe for
// concurrent use.
type Monitor struct {
	Targets      []Target
	Client       *http.Client     // for probes; nil: a client of its own
	Now          func() time.Time // nil: time.Now
	DownAfter    int
	UpAfter      int
	Window       int
	PartialAt    int
	ProbeTimeout time.Duration
	ProbeEvery   time.Duration
	ProbeOffline time.Duration

	mu    sync.Mutex
	links map[pos.Provider]*link
	subs  []*func(Change)
}

// link is one provider's recent history.
type link struct {
	state          pos.Link
	since, lastOK  time.Time
	lastErr        string
	fails, answers int    // in a row
	recent         []bool // the last Window outcomes, true for a failure
}

// State returns how well p can be reached. A provider never heard of is
// online: the till starts hopeful and learns from its first calls.
func (m *Monitor) State(p pos.Provider) pos.Link {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.linkOf(p).state
}

// Status returns every known provider's link, in the order of Targets then
// of first report.
func (m *Monitor) Status() []Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Status
	for _, p := range m.providers() {
		l := m.linkOf(p)
		out = append(out, Status{Provider: p, Link: l.state, Since: l.since, LastOK: l.lastOK, LastError: l.lastErr})
	}
	return out
}

// Overall sums the links up for the status bar: online if all are,
// offline if all are, partial otherwise.
func (m *Monitor) Overall() pos.Link {
	var online, offline int
	st := m.Status()
	for _, s := range st {
		switch s.Link {
		case pos.LinkOnline:
			online++
		case pos.LinkOffline:
			offline++
		}
	}
	switch {
	case online == len(st):
		return pos.LinkOnline
	case offline == len(st):
		return pos.LinkOffline
	}
	return pos.LinkPartial
}

// Subscribe calls fn with every change of a link, on the goroutine that
// saw it, after the state is updated: keep fn short or hand the change
// off. The returned function ends the subscription.
func (m *Monitor) Subscribe(fn func(Change)) (unsubscribe func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := &fn
	m.subs = append(m.subs, f)
	return func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.subs = slices.DeleteFunc(m.subs, func(g *func(Change)) bool { return g == f })
	}
}

// Report records the outcome of a call to p: err nil means the provider
// answered (whatever it said). A call the caller itself gave up on
// (context.Canceled) says nothing about the link and is ignored.
func (m *Monitor) Report(p pos.Provider, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	m.mu.Lock()
	l := m.linkOf(p)
	from := l.state
	l.observe(err, m.now(), m.thresholds())
	change := Change{Provider: p, From: from, To: l.state, At: l.since, Cause: l.lastErr}
	subs := slices.Clone(m.subs)
	m.mu.Unlock()
	if change.From == change.To {
		return
	}
	if change.To == pos.LinkOnline {
		change.Cause = ""
	}
	for _, fn := range subs {
		(*fn)(change)
	}
}

// thresholds are the Monitor's limits with their defaults.
type thresholds struct{ downAfter, upAfter, window, partialAt int }

func (m *Monitor) thresholds() thresholds {
	return thresholds{orDefault(m.DownAfter, DefaultDownAfter), orDefault(m.UpAfter, DefaultUpAfter),
		orDefault(m.Window, DefaultWindow), orDefault(m.PartialAt, DefaultPartialAt)}
}

// observe adds an outcome and moves the state, with hysteresis: DownAfter
// failures in a row make it offline, UpAfter answers in a row bring it back;
// PartialAt failures among the last Window outcomes make an online link
// partial, and it is online again once at most one failure is left among
// them and the last UpAfter calls were answered.
func (l *link) observe(err error, now time.Time, t thresholds) {
	failed := err != nil
	if failed {
		l.fails, l.answers, l.lastErr = l.fails+1, 0, err.Error()
	} else {
		l.answers, l.fails, l.lastOK = l.answers+1, 0, now
	}
	l.recent = append(l.recent, failed)
	if len(l.recent) > t.window {
		l.recent = l.recent[len(l.recent)-t.window:]
	}
	next := l.next(t)
	if next == l.state {
		return
	}
	if l.state == pos.LinkOffline {
		l.recent = l.recent[:0] // the outage is over: judge what comes next afresh
	}
	l.state, l.since = next, now
}

func (l *link) next(t thresholds) pos.Link {
	failures := 0
	for _, f := range l.recent {
		if f {
			failures++
		}
	}
	switch {
	case l.fails >= t.downAfter:
		return pos.LinkOffline
	case l.state == pos.LinkOffline && l.answers >= t.upAfter:
		return pos.LinkOnline
	case l.state == pos.LinkOnline && failures >= t.partialAt:
		return pos.LinkPartial
	case l.state == pos.LinkPartial && failures <= 1 && l.answers >= t.upAfter:
		return pos.LinkOnline
	}
	return l.state
}

// linkOf returns p's link, making it if new. Callers hold m.mu.
func (m *Monitor) linkOf(p pos.Provider) *link {
	if m.links == nil {
		m.links = map[pos.Provider]*link{}
	}
	l, ok := m.links[p]
	if !ok {
		l = &link{state: pos.LinkOnline}
		m.links[p] = l
	}
	return l
}

// providers lists the targets' providers, then the others reported on.
// Callers hold m.mu.
func (m *Monitor) providers() []pos.Provider {
	var out []pos.Provider
	for _, t := range m.Targets {
		if !slices.Contains(out, t.Provider) {
			out = append(out, t.Provider)
		}
	}
	var more []pos.Provider
	for p := range m.links {
		if !slices.Contains(out, p) {
			more = append(more, p)
		}
	}
	slices.Sort(more)
	return append(out, more...)
}

func (m *Monitor) now() time.Time {
	if m.Now == nil {
		return time.Now().UTC()
	}
	return m.Now().UTC()
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
