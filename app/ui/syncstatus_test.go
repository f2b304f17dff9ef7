package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/sync/alipay"
	"zhanggui/sync/linkstate"
	"zhanggui/sync/outbox"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
)

// syncRig is the till's outbox as app wires it, against the simulator
// behind a link the test can cut.
type syncRig struct {
	sim    *providersim.Sim
	down   atomic.Bool // the network to the simulator is cut
	mon    *linkstate.Monitor
	worker *outbox.Worker
	svc    *payments.Service
}

// withOutbox wires the simulator, the link monitor, the payment service
// with its outbox stores, the worker and the sync screen into f.
func withOutbox(t *testing.T, f *fixture) *syncRig {
	t.Helper()
	r := &syncRig{}
	var err error
	if r.sim, err = providersim.New(providersim.Config{DataDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.down.Load() {
			panic(http.ErrAbortHandler) // the connection drops: no answer
		}
		r.sim.Handler().ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	gateway := srv.URL + "/alipay/gateway.do"
	r.mon = &linkstate.Monitor{Targets: []linkstate.Target{{Provider: pos.Alipay, URL: gateway}}}
	c := r.sim.Credentials().Alipay
	cli, err := alipay.New(alipay.Config{AppID: c.AppID, PrivateKeyPEM: c.AppPrivateKeyPEM,
		AlipayPublicKeyPEM: c.AlipayPublicKeyPEM, Gateway: gateway, Timeout: 2 * time.Second,
		HTTPClient: &http.Client{Transport: r.mon.Transport(pos.Alipay, nil)}})
	if err != nil {
		t.Fatal(err)
	}
	r.worker = &outbox.Worker{Store: f.db, Now: time.Now, BackoffMin: time.Millisecond, BackoffMax: time.Second}
	n := 0
	r.svc = &payments.Service{
		Store:     outbox.PaymentStore{PaymentStore: f.db, Jobs: f.db, Enqueued: r.worker.Wake},
		Providers: map[pos.Provider]payments.Provider{pos.Alipay: cli}, Now: time.Now,
		NewID: func() string {
			n++
			return strings.Repeat("0", 24) + time.Now().Format("150405") + string(rune('a'+n)) + "s"
		},
		Policy: payments.Policy{PollEvery: 20 * time.Millisecond, PollFor: 200 * time.Millisecond,
			QRFor: time.Second, CancelTries: 2, CancelEvery: 10 * time.Millisecond}}
	r.worker.Handlers = map[pos.JobKind]outbox.Handler{
		pos.JobResolvePayment: outbox.PaymentHandler{Payments: r.svc, Link: r.mon.State},
	}
	d := &f.app.deps
	d.Payments, d.PaymentStore, d.Link, d.LinkProviders = r.svc, f.db, r.mon.State, []pos.Provider{pos.Alipay}
	d.Now = time.Now
	d.Sync = r.deps(f.db)
	f.app.build()
	return r
}

// deps is the screen's SyncDeps as app makes them; 立即同步 also runs the
// worker's pass here, where app's worker would wake and run it.
func (r *syncRig) deps(db *storage.DB) SyncDeps {
	return SyncDeps{
		Status: func(ctx context.Context) (SyncStatus, error) {
			qs, err := db.QueueByProvider(ctx)
			st := SyncStatus{LastSync: r.worker.LastDone()}
			for _, l := range r.mon.Status() {
				st.Channels = append(st.Channels, ChannelSync{Provider: l.Provider, Link: l.Link, LastError: l.LastError})
			}
			for _, q := range qs {
				if q.Provider == string(pos.Alipay) {
					st.Channels[0].Queued, st.Channels[0].Oldest = q.Queued, q.Oldest
				} else {
					st.Channels = append(st.Channels, ChannelSync{Provider: pos.Provider(q.Provider), Queued: q.Queued, Oldest: q.Oldest})
				}
			}
			return st, err
		},
		Parked:  db.Parked,
		Requeue: db.Requeue,
		SyncNow: func(ctx context.Context) error {
			if err := r.worker.SyncNow(ctx); err != nil {
				return err
			}
			_, err := r.worker.RunOnce(ctx)
			return err
		},
		Queued: func() int {
			n, _, _, _ := db.OutboxStats(context.Background())
			return n
		},
	}
}

// channel returns the screen's line of p.
func channel(t *testing.T, s *syncScreen, p pos.Provider) ChannelSync {
	t.Helper()
	for _, c := range s.view.Channels {
		if c.Provider == p {
			return c
		}
	}
	t.Fatalf("no line for %q in %+v", p, s.view.Channels)
	return ChannelSync{}
}

func gridText(c *fyne.Container) string {
	var b strings.Builder
	for _, o := range c.Objects {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "|")
		}
	}
	return b.String()
}

func TestSyncScreenQueuesWhileOfflineAndDrains(t *testing.T) {
	f := newFixture(t)
	r := withOutbox(t, f)
	ctx := context.Background()
	s := f.app.syncing
	if s == nil {
		t.Fatal("no sync screen with an outbox")
	}

	// The link drops while the customer's code is being charged: the
	// payment is left 待确认 with its job, and the link is seen offline.
	r.down.Store(true)
	f.scan("6901234567892")
	f.scan(r.sim.NewPaymentCode(providersim.Alipay, "buyer1"))
	pd := waitPayment(t, f)
	if pd.payment.State.Final() {
		t.Fatalf("payment %s with the link down", pd.payment.State)
	}
	// A kind of job this till has no handler for: parked, never dropped.
	bill := pos.NewJob("download_bill:alipay:2026-11-24", pos.JobDownloadBill, "", []byte(`{"day":"2026-11-24"}`), time.Now())
	if err := f.db.Enqueue(ctx, bill); err != nil {
		t.Fatal(err)
	}
	if _, err := r.worker.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}

	s.reload()
	ali := channel(t, s, pos.Alipay)
	if ali.Link != pos.LinkOffline || ali.Queued != 1 || ali.Oldest.IsZero() {
		t.Errorf("alipay line %+v, want offline with 1 queued", ali)
	}
	if got := gridText(s.table); !strings.Contains(got, "离线|1|") {
		t.Errorf("grid shows %q", got)
	}
	if !strings.Contains(s.summary.Text, "待同步 1 笔") {
		t.Errorf("summary %q", s.summary.Text)
	}
	f.app.showBanner(f.app.linkText())
	if !strings.Contains(f.app.banner.Text, "支付宝 离线 · 待同步 1") {
		t.Errorf("banner %q", f.app.banner.Text)
	}
	if len(s.parked) != 1 || s.retry[bill.ID] == nil {
		t.Fatalf("parked %+v", s.parked)
	}
	if got := s.list.Objects[0].(*fyne.Container).Objects[0].(*widget.Label).Text; !strings.Contains(got, "下载对账单") ||
		!strings.Contains(got, "本机暂不能处理此类任务") {
		t.Errorf("parked job shown as %q", got)
	}

	// The link returns (the monitor's probes see it), 立即同步 drains.
	r.down.Store(false)
	r.mon.Probe(ctx)
	r.mon.Probe(ctx)
	test.Tap(s.syncBtn)
	s.wait()
	if ali := channel(t, s, pos.Alipay); ali.Link != pos.LinkOnline || ali.Queued != 0 || s.view.LastSync.IsZero() {
		t.Errorf("after 立即同步: %+v, last sync %v", ali, s.view.LastSync)
	}
	p, err := f.db.Payment(ctx, pd.payment.ID)
	if err != nil || p.State != pos.PayReversed {
		t.Errorf("payment after the drain: %s, %v", p.State, err)
	}
	if got := charged(r.sim); got != 0 {
		t.Errorf("the simulator charged %v", got)
	}

	// 重试 puts the parked job back in the queue.
	test.Tap(s.retry[bill.ID])
	s.wait()
	j, err := f.db.Job(ctx, bill.ID)
	if err != nil || j.Parked || j.Done || j.Tries != 0 {
		t.Errorf("job after 重试: %+v, %v", j, err)
	}
	if len(s.parked) != 0 || channel(t, s, "").Queued != 1 {
		t.Errorf("after 重试: parked %d, lines %+v", len(s.parked), s.view.Channels)
	}
}

func TestJobErrorText(t *testing.T) {
	SetLanguage("zh")
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"no handler for job kind download_bill", "本机暂不能处理此类任务（请升级软件）。"},
		{"gave up after 50 tries: outbox: payment X still unknown: 网络或支付机构无确定应答", "已尝试 50 次仍失败：支付机构尚未给出支付结果。"},
		{"outbox: refund R still pending", "支付机构尚未给出退款结果。"},
		{`Post "http://x": dial tcp 127.0.0.1:1: connect: connection refused`, "无法连接支付机构。"},
		{"linkstate: alipay answered HTTP 502", "支付机构服务器出错。"},
		{"something new", "something new"},
	} {
		if got := jobErrorText(tt.in); got != tt.want {
			t.Errorf("jobErrorText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, w := range errorWords {
		if !hasZh(w.msg) {
			t.Errorf("no Chinese for %q", w.msg)
		}
	}
}
