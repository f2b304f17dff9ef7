package app

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhanggui/pos"
	"zhanggui/sync/alipay"
	"zhanggui/sync/unionpay"
	"zhanggui/sync/wechatpay"
)

// testConnection checks a channel end to end without moving money: it
// queries an order number nobody ever used. A signed "no such order"
// proves the gateway address, the IDs, the till's private or API key (the
// provider accepted the signature) and the provider's key (its signature
// verified). A WeChat v3 channel also gets the same query over v3, which
// proves the v3 keys. The channel is tested as if enabled, whatever its
// Enabled says.
//
// Errors: the CodeInvalid *pos.ChannelError of Validate or of the key
// checks, or a pos.ConnectionFailed error whose Fault says where to look.
func testConnection(ctx context.Context, c pos.ChannelConfig) error {
	c.Enabled = true
	client, err := newChannelClient(c) // Validate and the key checks first
	if err != nil {
		return fmt.Errorf("app: test %s: %w", c.Provider, err)
	}
	no := probeTradeNo()
	res, err := client.Query(ctx, no)
	if err := queryOutcome(c.Provider, res, err); err != nil {
		return fmt.Errorf("app: test %s with order %s: %w", c.Provider, no, err)
	}
	if c.Provider == pos.Wechat && c.WeChatAPI == "v3" {
		if err := probeWechatV3(ctx, wechatConfig(c), no); err != nil {
			return fmt.Errorf("app: test %s v3 with order %s: %w", c.Provider, no, err)
		}
	}
	return nil
}

// probeTradeNo is an out_trade_no no payment ever has: payments use
// 32-hex-digit UUIDs, this starts with ZGTEST.
func probeTradeNo() string {
	b := make([]byte, 13)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return "ZGTEST" + hex.EncodeToString(b)
}

// queryOutcome turns a client's answer to the probe query into the
// fault the owner must look at. A nil error from the client is a signed,
// definite answer: the channel works.
func queryOutcome(p pos.Provider, res pos.ProviderResult, err error) error {
	if err == nil {
		return nil
	}
	return pos.ConnectionFailed(p, faultOf(res.Code, err), res.Code, err)
}

// faultOf classifies a client's error (the clients' sentinels and codes;
// PROTOCOLS.md §1.4, §2.4).
func faultOf(code string, err error) pos.Fault {
	var ue *url.Error
	switch {
	case badCertificate(err):
		return pos.FaultNotGateway // an https server that is not the provider, or a proxy in between
	case errors.As(err, &ue), errors.Is(err, context.DeadlineExceeded), isNetError(err):
		return pos.FaultUnreachable
	case isAny(err, alipay.ErrBadSignature, alipay.ErrUnsigned, wechatpay.ErrBadSignature, wechatpay.ErrUnsigned,
		unionpay.ErrBadSignature, unionpay.ErrUnsigned):
		return pos.FaultUntrusted
	case isAny(err, alipay.ErrSystemError, wechatpay.ErrSystemError, unionpay.ErrSystemError) || busyCode(code):
		return pos.FaultBusy
	case isAny(err, alipay.ErrHTTPStatus, alipay.ErrMalformed, wechatpay.ErrHTTPStatus, wechatpay.ErrMalformed,
		unionpay.ErrHTTPStatus, unionpay.ErrMalformed):
		return pos.FaultNotGateway
	}
	// WeChat's unsigned FAIL (a bad sign or mch_id), or a signed refusal
	// (Alipay 40002 isv.invalid-signature, the acquirer's A0).
	return pos.FaultRefused
}

func isAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

func badCertificate(err error) bool {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}

// busyCode reports the providers' "busy, try later" codes: Alipay 20000,
// 40005 and ACQ.SYSTEM_ERROR; WeChat SYSTEMERROR, BANKERROR and rate
// limits; the acquirer's 96 and 65.
func busyCode(code string) bool {
	for _, w := range strings.Fields(code) {
		switch w {
		case "20000", "40005", "ACQ.SYSTEM_ERROR", "SYSTEMERROR", "SYSTEM_ERROR", "BANKERROR",
			"FREQUENCY_LIMITED", "RATELIMIT_EXCEEDED", "96", "65", "429", "500", "502", "503", "504":
			return true
		}
	}
	return false
}

// probeWechatV3 queries order no over v3 and wants a signed answer: 200,
// or 404 ORDER_NOT_EXIST for the unused number (wechatpay.Client.ProbeV3).
// wechatpay-go cannot stand in: it returns error answers without verifying
// their signature, and a 404 from anyone would pass.
func probeWechatV3(ctx context.Context, cfg wechatpay.Config, no string) error {
	client, err := wechatpay.New(cfg)
	if err != nil {
		return pos.ConnectionFailed(pos.Wechat, pos.FaultRefused, "", err)
	}
	status, code, msg, err := client.ProbeV3(ctx, no)
	said := strings.TrimSpace(strconv.Itoa(status) + " " + code)
	switch {
	case err != nil:
		return pos.ConnectionFailed(pos.Wechat, faultOf("", err), said, err)
	case status == http.StatusOK || status == http.StatusNotFound && code == "ORDER_NOT_EXIST":
		return nil
	case status == http.StatusTooManyRequests || status >= 500:
		return pos.ConnectionFailed(pos.Wechat, pos.FaultBusy, said, errors.New(msg))
	case status >= 400 && status < 500:
		return pos.ConnectionFailed(pos.Wechat, pos.FaultRefused, said, errors.New(msg))
	}
	return pos.ConnectionFailed(pos.Wechat, pos.FaultNotGateway, said, fmt.Errorf("HTTP %d", status))
}
