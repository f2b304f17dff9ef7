package providersim

import (
	"context"
	"testing"

	"github.com/smartwalle/alipay/v3"
)

// smartwalle returns an independent Alipay client (smartwalle/alipay v3)
// configured from the simulator's Credentials only: it signs requests
// and verifies responses with its own code.
func (e *env) smartwalle(t *testing.T) *alipay.Client {
	t.Helper()
	c, err := alipay.New(e.cred.Alipay.AppID, e.cred.Alipay.AppPrivateKeyPEM, true,
		alipay.WithProductionGateway(e.srv.URL+"/alipay/gateway.do"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.LoadAliPayPublicKey(e.cred.Alipay.AlipayPublicKeyPEM); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAlipayInteropSmartwalle runs pay, query, refund, refund query,
// precreate, close and cancel through smartwalle/alipay.
func TestAlipayInteropSmartwalle(t *testing.T) {
	e := newEnv(t, nil)
	c := e.smartwalle(t)
	swPayAndRefund(t, e, c)
	swQRAndCancel(t, e, c)
	swFailures(t, e, c)
	if n := len(e.payments(t)); n != 2 {
		t.Errorf("%d trades charged, want 2 (SW1, and SW5 whose answer was tampered)", n)
	}
}

func swPayAndRefund(t *testing.T, e *env, c *alipay.Client) {
	ctx := context.Background()
	pay := alipay.TradePay{Scene: "bar_code", AuthCode: e.sim.NewPaymentCode(Alipay, "sw")}
	pay.OutTradeNo, pay.Subject, pay.TotalAmount = "SW1", "可乐 x2", "7.00"
	paid, err := c.TradePay(ctx, pay)
	if err != nil || paid.Code != alipay.CodeSuccess || paid.TotalAmount != "7.00" {
		t.Fatalf("TradePay = %+v, %v", paid, err)
	}

	q, err := c.TradeQuery(ctx, alipay.TradeQuery{OutTradeNo: "SW1"})
	if err != nil || q.TradeStatus != alipay.TradeStatusSuccess || q.TradeNo != paid.TradeNo {
		t.Fatalf("TradeQuery = %+v, %v", q, err)
	}

	ref, err := c.TradeRefund(ctx, alipay.TradeRefund{OutTradeNo: "SW1", RefundAmount: "2.50", OutRequestNo: "SWR1"})
	if err != nil || ref.Code != alipay.CodeSuccess || ref.FundChange != "Y" || ref.RefundFee != "2.50" {
		t.Fatalf("TradeRefund = %+v, %v", ref, err)
	}
	rq, err := c.TradeFastPayRefundQuery(ctx, alipay.TradeFastPayRefundQuery{OutTradeNo: "SW1", OutRequestNo: "SWR1"})
	if err != nil || rq.RefundStatus != "REFUND_SUCCESS" || rq.RefundAmount != "2.50" {
		t.Fatalf("TradeFastPayRefundQuery = %+v, %v", rq, err)
	}
}

func swQRAndCancel(t *testing.T, e *env, c *alipay.Client) {
	ctx := context.Background()
	pre := alipay.TradePreCreate{}
	pre.OutTradeNo, pre.Subject, pre.TotalAmount = "SW2", "扫码", "1.23"
	created, err := c.TradePreCreate(ctx, pre)
	if err != nil || created.Code != alipay.CodeSuccess || created.QRCode == "" {
		t.Fatalf("TradePreCreate = %+v, %v", created, err)
	}
	if err := e.sim.CustomerScan("SW2"); err != nil {
		t.Fatal(err)
	}
	closed, err := c.TradeClose(ctx, alipay.TradeClose{OutTradeNo: "SW2"})
	if err != nil || closed.Code != alipay.CodeSuccess {
		t.Fatalf("TradeClose = %+v, %v", closed, err)
	}

	// A password payment: smartwalle counts 10003 as success (PROTOCOLS.md
	// §1.4 pitfall), so a client must compare the code itself.
	pay := alipay.TradePay{Scene: "bar_code", AuthCode: e.sim.NewPaymentCode(Alipay, "sw")}
	pay.OutTradeNo, pay.Subject, pay.TotalAmount = "SW3", "x", "3.00"
	e.sim.Script(OnCode(pay.AuthCode), PasswordThenFail(0, 0))
	waiting, err := c.TradePay(ctx, pay)
	if err != nil || waiting.Code != alipay.CodeOrderSuccessPayInProcess || !waiting.Code.IsSuccess() {
		t.Fatalf("TradePay with password = %+v, %v", waiting, err)
	}
	cancel, err := c.TradeCancel(ctx, alipay.TradeCancel{OutTradeNo: "SW3"})
	if err != nil || cancel.Code != alipay.CodeSuccess || cancel.Action != "close" {
		t.Fatalf("TradeCancel = %+v, %v", cancel, err)
	}
}

func swFailures(t *testing.T, e *env, c *alipay.Client) {
	ctx := context.Background()
	// A business failure is a signed 40004.
	pay := alipay.TradePay{Scene: "bar_code", AuthCode: e.sim.NewPaymentCode(Alipay, "sw")}
	pay.OutTradeNo, pay.Subject, pay.TotalAmount = "SW4", "x", "3.00"
	e.sim.Script(OnCode(pay.AuthCode), InsufficientBalance)
	failed, err := c.TradePay(ctx, pay)
	if err != nil || failed.Code != alipay.CodeBusinessFailed || failed.SubCode != "ACQ.BUYER_BALANCE_NOT_ENOUGH" {
		t.Fatalf("TradePay refused = %+v, %v", failed, err)
	}

	// A tampered response signature is caught by the client.
	pay = alipay.TradePay{Scene: "bar_code", AuthCode: e.sim.NewPaymentCode(Alipay, "sw")}
	pay.OutTradeNo, pay.Subject, pay.TotalAmount = "SW5", "x", "3.00"
	e.sim.Script(OnCode(pay.AuthCode), BadSignature)
	if r, err := c.TradePay(ctx, pay); err == nil {
		t.Fatalf("TradePay with a tampered signature = %+v, want an error", r)
	}

	// A client with the wrong private key is refused.
	wrong, err := alipay.New(e.cred.Alipay.AppID, e.cred.WeChat.MerchantPrivateKeyPEM, true,
		alipay.WithProductionGateway(e.srv.URL+"/alipay/gateway.do"))
	if err != nil {
		t.Fatal(err)
	}
	if err := wrong.LoadAliPayPublicKey(e.cred.Alipay.AlipayPublicKeyPEM); err != nil {
		t.Fatal(err)
	}
	bad, err := wrong.TradeQuery(ctx, alipay.TradeQuery{OutTradeNo: "SW1"})
	if err != nil || bad.Code != alipay.CodeInvalidParam || bad.SubCode != "isv.invalid-signature" {
		t.Fatalf("TradeQuery with a wrong key = %+v, %v", bad, err)
	}
}
