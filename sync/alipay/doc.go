// Package alipay is the till's client of the Alipay OpenAPI for 当面付
// (face-to-face payment): alipay.trade.pay (B扫C), precreate (C扫B), query,
// cancel, close, refund and fastpay.refund.query, over RSA2 in public-key
// mode (PROTOCOLS.md §1). It turns every answer into a pos.ProviderResult and
// holds no state of its own beyond a short memory of which trades were
// precreated; the payment flow lives in sync/payments.
//
// # Why our own client and not smartwalle/alipay
//
// The signing and verification rules are about 150 lines (§1.2, §1.3) and
// the money depends on classifying answers exactly, which is where the SDK
// (v3.2.25) gets in the way:
//   - Code.IsSuccess is true for 10003 (the customer is still typing the
//     password), so every call site would have to re-check the code.
//   - A response without "sign" is decoded into an *alipay.Error carrying the
//     node's own code, so an unsigned, possibly forged "10000" or "40004"
//     arrives looking like a definite provider answer.
//   - The signature is sliced from the raw JSON by dropping its quotes, so an
//     escaped "\/" in it fails verification, and duplicate keys are resolved
//     silently (last one wins).
//   - Parsing happens inside the SDK, so it cannot be fuzzed on its own.
//
// Our parser reads the top-level object key by key, rejects duplicates and
// trailing data, and verifies the signature over the node's exact bytes.
// smartwalle stays what PROTOCOLS.md §5 wants it to be: the independent
// client in the simulator's conformance tests.
//
// # Answers
//
// A nil error means the result is Alipay's signed, definite answer. Anything
// else — a timeout, a reset connection, HTTP 5xx, code 20000, ACQ.SYSTEM_ERROR,
// a missing or wrong signature, a body that does not parse — is
// StatusUnknown with an error of code pos.CodeUnavailable: the outcome must be
// found by Query, never assumed to be a failure.
package alipay
