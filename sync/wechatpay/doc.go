// Package wechatpay is the till's client of WeChat Pay for shops: 付款码支付
// (micropay, B扫C) and its query, reverse, refund and refund query over API
// v2 (XML, MD5 or HMAC-SHA256 signs with the APIv2 key), and the dynamic QR
// (Native, C扫B) and its close over API v3 (JSON, WECHATPAY2-SHA256-RSA2048),
// because v2 unifiedorder is not what the simulator serves and v3 is
// WeChat's current path for Native (PROTOCOLS.md §2).
//
// It is written by hand: no Go SDK covers v2 micropay acceptably (PROTOCOLS.md
// §5), and the two v3 calls need only the signer and verifier of §2.2, about
// 100 lines, which also keeps the client free of the SDK's hard-coded host.
//
// # Answers
//
// A nil error means the result is WeChat Pay's signed, definite answer.
// Anything else — a timeout, a reset connection, HTTP 5xx, return_code FAIL,
// SYSTEMERROR, BANKERROR, a missing or wrong signature, a body that does not
// parse — is StatusUnknown with an error of code pos.CodeUnavailable: the
// outcome must be found by Query, never assumed to be a failure. Only a
// request refused before it leaves the till (a bad amount, v3 not
// configured) is StatusFailed with a CodeInvalid error.
package wechatpay
