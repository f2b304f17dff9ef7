package providersim

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/signers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/validators"
	"github.com/wechatpay-apiv3/wechatpay-go/core/downloader"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"
)

// rewriteHost sends wechatpay-go's requests for api.mch.weixin.qq.com to
// the simulator (PROTOCOLS.md §5): the signature covers path and query
// only, so moving scheme, host and mount keeps it valid.
type rewriteHost struct {
	to   *url.URL
	next http.RoundTripper
}

func (rw rewriteHost) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == "api.mch.weixin.qq.com" {
		req = req.Clone(req.Context())
		req.URL.Scheme, req.URL.Host, req.Host = rw.to.Scheme, rw.to.Host, ""
		req.URL.Path = wechatMount + req.URL.Path
		if req.URL.RawPath != "" {
			req.URL.RawPath = wechatMount + req.URL.RawPath
		}
	}
	return rw.next.RoundTrip(req)
}

func (e *env) wechatHTTP() *http.Client {
	u, _ := url.Parse(e.srv.URL)
	return &http.Client{Transport: rewriteHost{to: u, next: http.DefaultTransport}, Timeout: 20 * time.Second}
}

// wechatpayGo returns an independent v3 client configured from the
// simulator's Credentials only, in public-key mode or certificate mode.
func (e *env) wechatpayGo(t *testing.T, certMode bool) *core.Client {
	t.Helper()
	w := e.cred.WeChat
	key, err := utils.LoadPrivateKey(w.MerchantPrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	auth := option.WithWechatPayPublicKeyAuthCipher(w.MchID, w.MerchantSerial, key, w.PublicKeyID, mustPub(t, w.PublicKeyPEM))
	if certMode {
		cert, err := utils.LoadCertificate(w.PlatformCertPEM)
		if err != nil {
			t.Fatal(err)
		}
		auth = option.WithWechatPayAuthCipher(w.MchID, w.MerchantSerial, key, []*x509.Certificate{cert})
	}
	c, err := core.NewClient(context.Background(), auth, option.WithHTTPClient(e.wechatHTTP()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustPub(t *testing.T, s string) *rsa.PublicKey {
	t.Helper()
	k, err := utils.LoadPublicKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestWeChatV3InteropWechatpayGo(t *testing.T) {
	e := newEnv(t, nil)
	for _, certMode := range []bool{false, true} {
		c := e.wechatpayGo(t, certMode)
		no := "WPGO" + map[bool]string{false: "PUBKEY", true: "CERT"}[certMode]
		wpgoNative(t, e, c, no)
		wpgoRefund(t, c, no)
		wpgoCloseAndErrors(t, e, c, no)
	}
}

// wpgoNative runs a native order through prepay, payment and both queries.
func wpgoNative(t *testing.T, e *env, c *core.Client, no string) {
	ctx, w, svc := context.Background(), e.cred.WeChat, native.NativeApiService{Client: c}
	prepay, _, err := svc.Prepay(ctx, native.PrepayRequest{Appid: core.String(w.AppID), Mchid: core.String(w.MchID),
		Description: core.String("掌柜-扫码"), OutTradeNo: core.String(no), TimeExpire: core.Time(time.Now().Add(10 * time.Minute)),
		NotifyUrl: core.String("https://till.invalid/notify"),
		Amount:    &native.Amount{Total: core.Int64(888), Currency: core.String("CNY")}})
	if err != nil || !strings.HasPrefix(*prepay.CodeUrl, "weixin://") {
		t.Fatalf("Prepay %s = %v, %v", no, prepay, err)
	}
	query := native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no), Mchid: core.String(w.MchID)}
	tx, _, err := svc.QueryOrderByOutTradeNo(ctx, query)
	if err != nil || *tx.TradeState != "NOTPAY" {
		t.Fatalf("query before paying = %v, %v", tx, err)
	}
	if err := e.sim.CustomerPay(no); err != nil {
		t.Fatal(err)
	}
	tx, _, err = svc.QueryOrderByOutTradeNo(ctx, query)
	if err != nil || *tx.TradeState != "SUCCESS" || *tx.Amount.Total != 888 || *tx.Payer.Openid == "" {
		t.Fatalf("query after paying = %v, %v", tx, err)
	}
	byID, _, err := svc.QueryOrderById(ctx, native.QueryOrderByIdRequest{TransactionId: tx.TransactionId, Mchid: core.String(w.MchID)})
	if err != nil || *byID.OutTradeNo != no {
		t.Fatalf("query by id = %v, %v", byID, err)
	}
}

// wpgoRefund refunds part of the order: PROCESSING, then SUCCESS.
func wpgoRefund(t *testing.T, c *core.Client, no string) {
	ctx, refunds := context.Background(), refunddomestic.RefundsApiService{Client: c}
	rf, _, err := refunds.Create(ctx, refunddomestic.CreateRequest{OutTradeNo: core.String(no), OutRefundNo: core.String(no + "R"),
		Amount: &refunddomestic.AmountReq{Refund: core.Int64(88), Total: core.Int64(888), Currency: core.String("CNY")}})
	if err != nil || *rf.Status != refunddomestic.STATUS_PROCESSING {
		t.Fatalf("refund = %v, %v", rf, err)
	}
	rf, _, err = refunds.QueryByOutRefundNo(ctx, refunddomestic.QueryByOutRefundNoRequest{OutRefundNo: core.String(no + "R")})
	if err != nil || *rf.Status != refunddomestic.STATUS_SUCCESS || *rf.Amount.Refund != 88 {
		t.Fatalf("refund query = %v, %v", rf, err)
	}
}

// wpgoCloseAndErrors closes an order (204), reads an API error, posts a
// codepay through the core client and catches a tampered answer.
func wpgoCloseAndErrors(t *testing.T, e *env, c *core.Client, no string) {
	ctx, w, svc := context.Background(), e.cred.WeChat, native.NativeApiService{Client: c}
	_, _, err := svc.Prepay(ctx, native.PrepayRequest{Appid: core.String(w.AppID), Mchid: core.String(w.MchID),
		Description: core.String("x"), OutTradeNo: core.String(no + "2"), NotifyUrl: core.String("https://till.invalid/notify"),
		Amount: &native.Amount{Total: core.Int64(1)}})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := svc.CloseOrder(ctx, native.CloseOrderRequest{OutTradeNo: core.String(no + "2"), Mchid: core.String(w.MchID)}); err != nil || res.Response.StatusCode != 204 {
		t.Fatalf("CloseOrder = %v, %v", res, err)
	}
	_, _, err = svc.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String("NOSUCHORDER"), Mchid: core.String(w.MchID)})
	var apiErr *core.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Code != "ORDER_NOT_EXIST" {
		t.Fatalf("query of an unknown order: %v", err)
	}

	// codepay has no service in v0.2.20: the core client posts it.
	res, err := c.Post(ctx, "https://api.mch.weixin.qq.com/v3/pay/transactions/codepay", map[string]any{
		"appid": w.AppID, "mchid": w.MchID, "description": "可乐", "out_trade_no": no + "3",
		"payer":  map[string]any{"auth_code": e.sim.NewPaymentCode(WeChat, "wpgo")},
		"amount": map[string]any{"total": 300, "currency": "CNY"}, "scene_info": map[string]any{"device_ip": "127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	var paid payments.Transaction
	if err := core.UnMarshalResponse(res.Response, &paid); err != nil || *paid.TradeState != "SUCCESS" || *paid.TradeType != "MICROPAY" {
		t.Fatalf("codepay = %v, %v", paid, err)
	}

	e.sim.Script(OnOutTradeNo(no), BadSignature)
	if _, _, err := svc.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{OutTradeNo: core.String(no), Mchid: core.String(w.MchID)}); err == nil {
		t.Errorf("a tampered answer passed validation (%s)", no)
	}
}

// TestWeChatV3InteropCertificates downloads the platform certificate with
// wechatpay-go's own downloader: AES-256-GCM with the APIv3 key, then a
// second download validated with the certificate it got.
func TestWeChatV3InteropCertificates(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	w := e.cred.WeChat
	key, err := utils.LoadPrivateKey(w.MerchantPrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	client, err := core.NewClientWithDialSettings(ctx, &core.DialSettings{HTTPClient: e.wechatHTTP(),
		Signer:    &signers.SHA256WithRSASigner{MchID: w.MchID, PrivateKey: key, CertificateSerialNo: w.MerchantSerial},
		Validator: &validators.NullValidator{}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := downloader.NewCertificateDownloaderWithClient(ctx, client, w.APIv3Key)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := d.Get(ctx, w.PlatformSerial)
	want, _ := utils.LoadCertificate(w.PlatformCertPEM)
	if !ok || !got.Equal(want) {
		t.Fatalf("downloaded certificate %v, %v", got, ok)
	}
	if err := d.DownloadCertificates(ctx); err != nil {
		t.Fatalf("second download, validated with the certificate: %v", err)
	}
	wrong, err := downloader.NewCertificateDownloaderWithClient(ctx, client, strings.Repeat("0", 32))
	if err == nil {
		t.Errorf("a wrong APIv3 key decrypted the certificate: %v", wrong)
	}
}

// TestWeChatV3InteropBill fetches a trade bill through wechatpay-go: the
// tradebill answer is validated, the file is not (option.WithoutValidator).
func TestWeChatV3InteropBill(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.clock.Set(time.Now().Add(-36 * time.Hour))
	r, err := e.v3(t).codepay("WPGOBILL", e.sim.NewPaymentCode(WeChat, "wpgo"), 100)
	wantV3(t, "codepay", r, err, 200, "SUCCESS")
	day := e.clock.Now().In(beijing).Format("2006-01-02")
	e.clock.Set(time.Now())

	c := e.wechatpayGo(t, false)
	res, err := c.Get(ctx, "https://api.mch.weixin.qq.com/v3/bill/tradebill?bill_date="+day+"&bill_type=ALL")
	if err != nil {
		t.Fatal(err)
	}
	var bill struct {
		DownloadURL string `json:"download_url"`
	}
	if err := core.UnMarshalResponse(res.Response, &bill); err != nil {
		t.Fatal(err)
	}
	unvalidated := core.NewClientWithValidator(c, &validators.NullValidator{})
	file, err := unvalidated.Get(ctx, bill.DownloadURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(file.Response.Body)
	if rows, _ := parseWeChatBill(t, string(body)); len(rows) != 1 || rows[0]["商户订单号"] != "WPGOBILL" {
		t.Errorf("bill rows %v", rows)
	}
}
