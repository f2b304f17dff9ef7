package outbox_test

import (
	"net/http"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/sync/alipay"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
	"zhanggui/sync/unionpay"
	"zhanggui/sync/wechatpay"
)

// simClients configures the three provider clients from the simulator's
// credentials, as a demo shop does, all sending through rt.
func simClients(tb testing.TB, sim *providersim.Sim, base string, rt http.RoundTripper) map[pos.Provider]payments.Provider {
	tb.Helper()
	cr := sim.Credentials()
	hc := &http.Client{Transport: rt}
	ali, err := alipay.New(alipay.Config{AppID: cr.Alipay.AppID, PrivateKeyPEM: cr.Alipay.AppPrivateKeyPEM,
		AlipayPublicKeyPEM: cr.Alipay.AlipayPublicKeyPEM, Gateway: base + "/alipay/gateway.do",
		Timeout: 5 * time.Second, HTTPClient: hc})
	if err != nil {
		tb.Fatal(err)
	}
	w := cr.WeChat
	wx, err := wechatpay.New(wechatpay.Config{AppID: w.AppID, MchID: w.MchID, APIv2Key: w.APIv2Key,
		MerchantPrivateKeyPEM: w.MerchantPrivateKeyPEM, MerchantCertPEM: w.MerchantCertPEM,
		MerchantSerial: w.MerchantSerial, WechatPayPublicKeyPEM: w.PublicKeyPEM, WechatPaySerial: w.PublicKeyID,
		NotifyURL: "https://shop.example/notify", BaseURL: base + "/wechat", Timeout: 5 * time.Second, HTTPClient: hc})
	if err != nil {
		tb.Fatal(err)
	}
	up, err := unionpay.New(unionpay.Config{BaseURL: base + "/acquirer", MerchantID: cr.Acquirer.MerchantID,
		HMACKeyHex: cr.Acquirer.HMACKey, Timeout: 5 * time.Second, HTTPClient: hc})
	if err != nil {
		tb.Fatal(err)
	}
	return map[pos.Provider]payments.Provider{pos.Alipay: ali, pos.Wechat: wx, pos.UnionPay: up}
}

// simProvider is the simulator's name of a till provider.
var simProvider = map[pos.Provider]providersim.Provider{
	pos.Alipay: providersim.Alipay, pos.Wechat: providersim.WeChat, pos.UnionPay: providersim.UnionPay}
