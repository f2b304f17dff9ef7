package providersim

import (
	"testing"
	"time"

	"zhanggui/pos/money"
)

// TestWechatCouponBill: a 免充值券 order refunded in two parts and a 充值券
// order; the bill shows the coupons, takes the 免充值 part out of
// 应结订单金额, 退款金额 and the fees, and its summary adds up.
func TestWechatCouponBill(t *testing.T) {
	e := newEnv(t, nil)
	c := e.v2(t)
	e.clock.Set(time.Date(2025, 6, 1, 10, 0, 0, 0, beijing))
	for no, fen := range map[string]money.Fen{"CP1": 1000, "CP2": 999} {
		m, err := c.micropay(no, e.sim.NewPaymentCode(WeChat, "cp"), fen)
		wantV2(t, "micropay "+no, m, err, "")
	}
	for _, bad := range []struct {
		no string
		c  WechatCoupon
	}{{"NONE", WechatCoupon{Amount: 1}}, {"CP1", WechatCoupon{}}, {"CP1", WechatCoupon{Amount: 1001}}} {
		if err := e.sim.SetWechatCoupon(bad.no, bad.c); err == nil {
			t.Errorf("SetWechatCoupon(%s, %+v) accepted", bad.no, bad.c)
		}
	}
	for no, cp := range map[string]WechatCoupon{"CP1": {Amount: 250, NoRecharge: true}, "CP2": {Amount: 100}} {
		if err := e.sim.SetWechatCoupon(no, cp); err != nil {
			t.Fatal(err)
		}
	}
	for i, part := range []string{"300", "700"} { // the second completes the order
		m, err := c.call("/secapi/pay/refund", map[string]string{"out_trade_no": "CP1", "out_refund_no": "CPR" + part,
			"total_fee": "1000", "refund_fee": part})
		wantV2(t, "refund", m, err, "")
		e.clock.Advance(time.Duration(i+1) * time.Minute)
	}
	e.clock.Set(time.Date(2025, 6, 2, 10, 0, 0, 0, beijing))
	text, fail := c.downloadBill(t, "20250601", "")
	if fail != nil {
		t.Fatalf("bill: %v", fail)
	}
	rows, sum := parseWeChatBill(t, text)
	if len(rows) != 4 {
		t.Fatalf("bill rows %v, want 2 payments and 2 refunds", rows)
	}
	byNo := map[string]map[string]string{}
	for _, r := range rows {
		byNo[r["商户订单号"]+r["商户退款单号"]] = r
	}
	// 7.50 settled of 10.00, the fee on 7.50; the refunds give back 0.75 and
	// 1.75 of the coupon, and the fee in proportion, the last what is left.
	wantFields(t, "CP1", byNo["CP10"], map[string]string{"订单金额": "10.00", "应结订单金额": "7.50", "代金券金额": "2.50", "手续费": "0.05"})
	wantFields(t, "CPR300", byNo["CP1CPR300"], map[string]string{"申请退款金额": "3.00", "退款金额": "2.25", "充值券退款金额": "0.00", "手续费": "-0.01"})
	wantFields(t, "CPR700", byNo["CP1CPR700"], map[string]string{"申请退款金额": "7.00", "退款金额": "5.25", "手续费": "-0.04"})
	wantFields(t, "CP2", byNo["CP20"], map[string]string{"订单金额": "9.99", "应结订单金额": "9.99", "代金券金额": "1.00", "手续费": "0.06"})
	wantFields(t, "summary", sum, map[string]string{"总交易单数": "4", "应结订单总金额": "17.49", "订单总金额": "19.99",
		"退款总金额": "7.50", "申请退款总金额": "10.00", "充值券退款总金额": "0.00", "手续费总金额": "0.06"})
}
