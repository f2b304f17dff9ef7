// Package settlementtest drives the provider simulator for settlement tests
// and benchmarks: a simulator on loopback with a clock the test sets, our
// three provider clients configured from its credentials only, and the
// acquirer's bill, which the simulator does not serve, made from its
// ledger in the format settlement.ParseAcquirer reads. It must only be
// imported by tests.
package settlementtest

import (
	"bytes"
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/sync/alipay"
	"zhanggui/sync/providersim"
	"zhanggui/sync/settlement"
	"zhanggui/sync/unionpay"
	"zhanggui/sync/wechatpay"
)

// Clock is a clock the test sets; it never moves on its own.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// Env is a simulator on loopback and a client of each kind.
type Env struct {
	Sim      *providersim.Sim
	Clock    *Clock // the simulator's and the clients' clock
	Alipay   *alipay.Client
	Wechat   *wechatpay.Client // v2 for payments and refunds, v3 for bills
	Acquirer *unionpay.Client
}

// New starts a simulator whose keys are in dataDir (made there on first
// use; share one directory per test binary, as key generation is slow)
// and configures the clients. Everything runs on clock.
func New(t testing.TB, dataDir string, clock *Clock) *Env {
	t.Helper()
	sim, err := providersim.New(providersim.Config{DataDir: dataDir, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	cr := sim.Credentials()
	e := &Env{Sim: sim, Clock: clock}
	e.Alipay, err = alipay.New(alipay.Config{AppID: cr.Alipay.AppID, PrivateKeyPEM: cr.Alipay.AppPrivateKeyPEM,
		AlipayPublicKeyPEM: cr.Alipay.AlipayPublicKeyPEM, Gateway: srv.URL + "/alipay/gateway.do",
		Timeout: 5 * time.Second, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	w := cr.WeChat
	e.Wechat, err = wechatpay.New(wechatpay.Config{AppID: w.AppID, MchID: w.MchID, APIv2Key: w.APIv2Key,
		MerchantPrivateKeyPEM: w.MerchantPrivateKeyPEM, MerchantCertPEM: w.MerchantCertPEM,
		MerchantSerial: w.MerchantSerial, WechatPayPublicKeyPEM: w.PublicKeyPEM, WechatPaySerial: w.PublicKeyID,
		NotifyURL: "https://shop.example/notify", BaseURL: srv.URL + "/wechat", Timeout: 5 * time.Second,
		Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.Acquirer, err = unionpay.New(unionpay.Config{BaseURL: srv.URL + "/acquirer", MerchantID: cr.Acquirer.MerchantID,
		HMACKeyHex: cr.Acquirer.HMACKey, Timeout: 5 * time.Second, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Code issues a fresh payment code of provider p for user.
func (e *Env) Code(p pos.Provider, user string) string {
	return e.Sim.NewPaymentCode(simProvider[p], user)
}

var simProvider = map[pos.Provider]providersim.Provider{pos.Alipay: providersim.Alipay,
	pos.Wechat: providersim.WeChat, pos.UnionPay: providersim.UnionPay, pos.ECNY: providersim.ECNY,
	settlement.ProviderCard: providersim.Card}

// Rows returns the simulator's money movements of one channel with At in
// [from, to), as the rows its bill must hold.
func (e *Env) Rows(ch settlement.Channel, from, to time.Time) []settlement.Row {
	var out []settlement.Row
	for _, c := range e.Sim.Charges() {
		r := Row(c)
		if got, _ := settlement.ChannelOf(r.Provider); got != ch || c.At.Before(from) || !c.At.Before(to) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// Row turns one simulator charge into the bill row it stands for (Line
// left zero).
func Row(c providersim.Charge) settlement.Row {
	r := settlement.Row{OutTradeNo: c.OutTradeNo, TradeNo: c.TradeNo, Amount: c.Amount, Fee: c.Fee,
		At: c.At.In(settlement.Beijing)}
	for p, sp := range simProvider {
		if sp == c.Provider {
			r.Provider = p
		}
	}
	switch c.Kind {
	case providersim.ChargePayment:
		r.Kind = settlement.KindPayment
	case providersim.ChargeRefund:
		r.Kind, r.OutRefundNo, r.Fee = settlement.KindRefund, c.OutRefundNo, -c.Fee
	case providersim.ChargeReversal:
		r.Kind, r.Fee = settlement.KindReversal, -c.Fee
	}
	return r
}

// AcquirerBill writes the acquirer's bill of a Beijing day from the
// simulator's ledger.
func (e *Env) AcquirerBill(day time.Time) []byte {
	from := settlement.DayOf(day)
	to := from.AddDate(0, 0, 1)
	var b bytes.Buffer
	_ = settlement.WriteAcquirer(&b, e.Sim.Credentials().Acquirer.MerchantID, from, to, e.Rows(settlement.Acquirer, from, to)) // a bytes.Buffer cannot fail
	return b.Bytes()
}

// AcquirerSource serves AcquirerBill as a bill source would: no bill
// (pos.CodeNotFound) until the day is over on the simulator's clock.
type AcquirerSource struct{ Env *Env }

// DownloadBill returns the acquirer's bill of day.
func (s AcquirerSource) DownloadBill(_ context.Context, day time.Time) ([]byte, error) {
	if s.Env.Clock.Now().Before(settlement.DayOf(day).AddDate(0, 0, 1)) {
		return nil, pos.Errorf(pos.CodeNotFound, "settlementtest: acquirer bill %s: the day is not over", day.Format("2006-01-02"))
	}
	return s.Env.AcquirerBill(day), nil
}
