package wechatpay

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/http"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/sync/settlement"
)

func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// TestDownloadBill pays at 23:59:58 and refunds after midnight, then reads
// both days' bills through v3 (SHA1 checked) and v2.
func TestDownloadBill(t *testing.T) {
	day := time.Date(2025, 3, 10, 0, 0, 0, 0, beijing)
	for _, api := range []string{"v3", "v2"} {
		t.Run(api, func(t *testing.T) {
			e := newEnv(t, nil, func(c *Config) {
				if api == "v2" {
					c.MerchantPrivateKeyPEM, c.MerchantCertPEM, c.WechatPayPublicKeyPEM = "", "", ""
				}
			})
			e.clock.set(day.Add(24*time.Hour - 2*time.Second))
			r := e.payReq("bill", 1000)
			res, err := e.c.Pay(ctx, r)
			want(t, "pay at 23:59:58", res, err, pos.StatusSuccess)
			e.clock.set(day.Add(24*time.Hour + time.Minute))
			res, err = e.c.Refund(ctx, pos.RefundRequest{OutTradeNo: r.OutTradeNo, OutRefundNo: "WR1", Amount: 300, Total: 1000})
			want(t, "refund after midnight", res, err, pos.StatusSuccess)

			e.clock.set(day.AddDate(0, 0, 1).Add(9 * time.Hour)) // the bill is made after 09:00, fetched after 10:00
			if _, err := e.c.DownloadBill(ctx, day); !errors.Is(err, ErrNoBill) || pos.ErrorCode(err) != pos.CodeNotFound {
				t.Errorf("bill before 10:00: %v, want ErrNoBill with CodeNotFound", err)
			}
			e.clock.set(day.AddDate(0, 0, 2).Add(11 * time.Hour))
			checkBillDay(t, e, day, settlement.KindPayment, 6)
			checkBillDay(t, e, day.AddDate(0, 0, 1), settlement.KindRefund, -2)
			if _, err := e.c.DownloadBill(ctx, day.AddDate(0, 0, -1)); !errors.Is(err, ErrNoBill) {
				t.Errorf("bill of a day without trades: %v, want ErrNoBill", err)
			}
		})
	}
}

func checkBillDay(t *testing.T, e *env, day time.Time, kind settlement.Kind, fee int64) {
	t.Helper()
	data, err := e.c.DownloadBill(ctx, day)
	if err != nil {
		t.Fatalf("bill %s: %v", day.Format("2006-01-02"), err)
	}
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		t.Errorf("bill %s is not gzip: %.40q", day.Format("2006-01-02"), data)
	}
	b, err := settlement.ParseWechat(data)
	if err != nil {
		t.Fatalf("parse bill %s: %v", day.Format("2006-01-02"), err)
	}
	if len(b.Rows) != 1 || b.Rows[0].Kind != kind || int64(b.Rows[0].Fee) != fee {
		t.Errorf("bill %s rows %+v, want one %s with fee %d", day.Format("2006-01-02"), b.Rows, kind, fee)
	}
}

func TestCheckSHA1(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte("交易时间\r\n"))
	_ = zw.Close()
	const sum = "4d8bd0b1ed1e2bd07ee0b0b2b3ae8c51d96a7d65" // not the SHA1 of the text
	if err := checkSHA1(gz.Bytes(), sum); !errors.Is(err, ErrBillHash) {
		t.Errorf("checkSHA1 with a wrong sum = %v, want ErrBillHash", err)
	}
}

func TestDownloadBillV2Fail(t *testing.T) {
	e := newEnv(t, nil, func(c *Config) {
		c.MerchantPrivateKeyPEM, c.MerchantCertPEM, c.WechatPayPublicKeyPEM = "", "", ""
	})
	e.c.cfg.BaseURL = fixed(t, http.StatusOK, `<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[invalid bill_date]]></return_msg></xml>`)
	if _, err := e.c.DownloadBill(ctx, time.Now()); !errors.Is(err, ErrReturnFail) || pos.ErrorCode(err) != pos.CodeUnavailable {
		t.Errorf("DownloadBill = %v, want ErrReturnFail with CodeUnavailable", err)
	}
}
