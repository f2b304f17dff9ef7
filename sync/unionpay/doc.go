// Package unionpay is the till's client of its acquirer (收单机构) for the
// payment codes that do not go to Alipay or WeChat Pay directly: UnionPay QR
// codes (云闪付 and bank apps, 62…) and e-CNY codes (数字人民币, 01…).
// Small shops reach UnionPay only through an acquirer or aggregator whose
// API has one pay → query → reverse → refund shape for every wallet
// (PROTOCOLS.md §4.1), so one Client serves both pos.UnionPay and pos.ECNY.
//
// The wire protocol is the simulator's acquirer API (sync/providersim): JSON
// over POST, amounts in integer fen, an HMAC-SHA256 signature both ways
// over METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY\n (requests, in X-Acq-* headers)
// and TIMESTAMP\nNONCE\nBODY\n (answers), and ISO 8583-style response codes
// (00 processed, 96 outcome unknown, 51 insufficient balance, …). A real
// acquirer's API differs in names, not in shape: swap the wire layer
// (wire.go) and keep the classification.
//
// # Answers
//
// A nil error means the result is the acquirer's signed, definite answer.
// Anything else — a timeout, a reset connection, HTTP 5xx, response code 96
// or 65, a missing or wrong signature, a body that does not parse — is
// StatusUnknown with an error of code pos.CodeUnavailable: the outcome must be
// found by Query, never assumed to be a failure.
//
// Precreate asks the acquirer for a merchant-presented dynamic UnionPay QR
// (B2C 主扫, /v1/qr/precreate) for the customer to scan with 云闪付 or a
// bank app; Cancel closes such an order (/v1/qr/close) and reverses any
// other (qr.go).
package unionpay
