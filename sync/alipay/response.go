package alipay

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Errors in the chain of an Unknown result, for errors.Is and the log.
var (
	ErrBadSignature = errors.New("alipay: response signature does not verify")
	ErrUnsigned     = errors.New("alipay: response is not signed")
	ErrMalformed    = errors.New("alipay: malformed response")
	ErrHTTPStatus   = errors.New("alipay: HTTP status is not 200")
	ErrSystemError  = errors.New("alipay: system error, outcome unknown")
	ErrRetryCancel  = errors.New("alipay: cancel must be retried (retry_flag=Y)")
	ErrUnexpected   = errors.New("alipay: unexpected answer")
)

// node holds the fields of every response node the client reads. Amounts
// stay text until parseYuan converts them exactly.
type node struct {
	Code         string     `json:"code"`
	Msg          string     `json:"msg"`
	SubCode      string     `json:"sub_code"`
	SubMsg       string     `json:"sub_msg"`
	TradeNo      string     `json:"trade_no"`
	OutTradeNo   string     `json:"out_trade_no"`
	BuyerLogonID string     `json:"buyer_logon_id"`
	TotalAmount  amountText `json:"total_amount"`
	TradeStatus  string     `json:"trade_status"`
	QRCode       string     `json:"qr_code"`
	RetryFlag    string     `json:"retry_flag"`
	Action       string     `json:"action"`
	FundChange   string     `json:"fund_change"`
	RefundFee    amountText `json:"refund_fee"`
	RefundAmount amountText `json:"refund_amount"`
	RefundStatus string     `json:"refund_status"`
	OutRequestNo string     `json:"out_request_no"`
}

// codes is the node's code and sub_code, for ProviderResult.Code.
func (n node) codes() string {
	if n.SubCode == "" {
		return n.Code
	}
	return n.Code + " " + n.SubCode
}

// amountText is an amount as sent: a JSON string "88.88" or, leniently, a
// bare number; kept as text so no float ever holds it.
type amountText string

// UnmarshalJSON keeps the amount's text.
func (a *amountText) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = amountText(s)
		return nil
	case len(b) > 0 && b[0] >= '0' && b[0] <= '9':
		*a = amountText(b)
		return nil
	}
	return fmt.Errorf("amount %.20s is neither a string nor a number", b)
}

// decodeResponse parses body, verifies the signature over the exact text of
// nodeName's value and decodes it. Every error means "not trustworthy".
func decodeResponse(body []byte, nodeName string, pub *rsa.PublicKey) (node, error) {
	r, err := parseResponse(body, nodeName)
	if err != nil {
		return node{}, err
	}
	if r.sign == "" {
		return r.node, fmt.Errorf("%s (code %s): %w", nodeName, r.node.codes(), ErrUnsigned)
	}
	if err := verify(pub, r.raw, r.sign); err != nil {
		return node{}, err
	}
	return r.node, nil
}

// parsed is a response split into its parts.
type parsed struct {
	node node   // the decoded node (or error_response)
	raw  []byte // the node's exact text, what the signature covers
	sign string // "" when there is none
}

// parseResponse splits an answer {"<node>":{…},"sign":"…"} (PROTOCOLS.md
// §1.3). The top level is read key by key so that the node's bytes are the
// ones received; a repeated key or trailing data is malformed. Without the
// node, an error_response is decoded (it is never signed) so the log can
// say why; it comes back with an empty sign.
func parseResponse(body []byte, nodeName string) (parsed, error) {
	top, err := topLevel(body)
	if err != nil {
		return parsed{}, err
	}
	raw, ok := top[nodeName]
	if !ok {
		if e, ok := top["error_response"]; ok {
			var n node
			if json.Unmarshal(e, &n) == nil {
				return parsed{node: n, raw: e}, nil
			}
		}
		return parsed{}, fmt.Errorf("%w: no %s", ErrMalformed, nodeName)
	}
	if len(raw) == 0 || raw[0] != '{' {
		// A string node is AES-encrypted content, which this client never asks for.
		return parsed{}, fmt.Errorf("%w: %s is not an object", ErrMalformed, nodeName)
	}
	var p parsed
	if err := json.Unmarshal(raw, &p.node); err != nil {
		return parsed{}, fmt.Errorf("%w: %s: %v", ErrMalformed, nodeName, err)
	}
	p.raw = raw
	if s, ok := top["sign"]; ok {
		if err := json.Unmarshal(s, &p.sign); err != nil {
			return parsed{}, fmt.Errorf("%w: sign is not a string", ErrMalformed)
		}
	}
	return p, nil
}

// topLevel reads a JSON object into its members' exact texts.
func topLevel(body []byte) (map[string][]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	top := map[string][]byte{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		key, _ := t.(string) // inside an object the decoder only yields string keys
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%w: member %q: %v", ErrMalformed, key, err)
		}
		end := int(dec.InputOffset())
		if end < len(v) || !bytes.Equal(body[end-len(v):end], v) {
			return nil, fmt.Errorf("%w: member %q: cannot locate its text", ErrMalformed, key)
		}
		if _, dup := top[key]; dup {
			return nil, fmt.Errorf("%w: member %q twice", ErrMalformed, key)
		}
		top[key] = body[end-len(v) : end : end]
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the object", ErrMalformed)
	}
	return top, nil
}
