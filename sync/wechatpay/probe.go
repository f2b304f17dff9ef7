package wechatpay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// ProbeV3 queries order outTradeNo over API v3 (GET /v3/pay/transactions/
// out-trade-no/{no}?mchid=…) for the channel's connection test. The till
// polls over v2, so nothing else proves the v3 keys: an answer here means
// WeChat Pay accepted our signature and signed its answer with the key we
// trust. It returns the verified answer's HTTP status and, for an error
// answer, its code and message (404 ORDER_NOT_EXIST for an unused number).
// An error means no trustworthy answer (ErrUnsigned, ErrBadSignature,
// ErrMalformed or the network's error).
func (c *Client) ProbeV3(ctx context.Context, outTradeNo string) (status int, code, message string, err error) {
	if c.v3 == nil {
		return 0, "", "", errors.New("wechatpay: probe: API v3 keys not configured")
	}
	path := "/v3/pay/transactions/out-trade-no/" + url.PathEscape(outTradeNo) + "?mchid=" + url.QueryEscape(c.cfg.MchID)
	a, err := c.callV3(ctx, http.MethodGet, path, nil)
	if err != nil {
		// What an untrusted answer claims helps the owner find the fault;
		// it decides nothing.
		var said v3Error
		_ = json.Unmarshal(a.body, &said)
		return a.status, said.Code, said.Message, fmt.Errorf("wechatpay: probe %s: %w", outTradeNo, err)
	}
	return a.status, a.err.Code, a.err.Message, nil
}
