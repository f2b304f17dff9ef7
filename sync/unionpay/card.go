package unionpay

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"zhanggui/pos"
)

// QuickPass cards at the acquirer (/v1/card/authorize, /v1/card/capture):
// the chip data a card terminal read, authorized online with its ARQC or
// uploaded later with the TC of an offline approval. The same signing and
// the same rule as the codes: an answer that cannot be trusted is Unknown
// with a pos.CodeUnavailable error, never a decline.

// Words for the cashier about cards.
const (
	reasonCardUnknown = "刷卡结果未知，正在查询，请勿让顾客重复刷卡"
	reasonCardAmount  = "刷卡数据无效，请重新刷卡"
	// reasonCaptureRefused is for the owner, not the cashier: the customer
	// has left with the goods.
	reasonCaptureRefused = "脱机刷卡交易上送被收单机构拒绝（%s），款项未到账，请联系顾客另行付款"
)

// cardCodes are the definite refusals of a card call (also as
// orig_resp_code of a FAILED order).
var cardCodes = map[string]result{
	"05": failed("发卡行拒绝交易，请改用其他支付方式"),
	"14": failed("卡片无效或不受理，请改用其他卡"),
	"51": failed("卡内余额不足，请改用其他卡或其他支付方式"),
	"54": failed("卡片已过期，请改用其他卡或其他支付方式"),
	"Q1": failed("卡片认证失败，请重新刷卡或改用其他卡"),
	"94": failed("订单号已用于其他交易，请重新发起收款"),
	"12": {pos.StatusClosed, "订单已关闭或已撤销，请重新发起收款"},
	"30": failed(reasonConfig),
	"A0": failed(reasonConfig),
}

// cardRequest is the body of a card call. The PAN is spliced in as raw
// JSON so that the body, which the client zeroes after sending, is its
// only serialized copy.
type cardRequest struct {
	OrderNo    string          `json:"order_no"`
	AmountFen  json.Number     `json:"amount_fen"`
	PAN        json.RawMessage `json:"pan"`
	PANSeq     string          `json:"pan_seq,omitempty"`
	Expiry     string          `json:"expiry"`
	ATC        string          `json:"atc"`
	UN         string          `json:"unpredictable_number"`
	TxnDate    string          `json:"txn_date"`
	ARQC       string          `json:"arqc,omitempty"`
	TC         string          `json:"tc,omitempty"`
	ApprovedAt string          `json:"approved_at,omitempty"`
	StoreID    string          `json:"store_id,omitempty"`
}

// cardExtra are the card fields of an order answer.
type cardExtra struct {
	Entry    string `json:"entry"`
	AuthCode string `json:"auth_code"`
	RRN      string `json:"rrn"`
}

// CardAuthorize asks the issuer, through the acquirer, to approve a card
// transaction online with the card's ARQC (r.Kind must be ARQC).
// Success means approved (AuthCode, RRN set); Failed a decline with the
// reason for the cashier; Unknown (96, 65, a timeout, a bad signature)
// comes with a CodeUnavailable error: Query the order, never assume it
// failed. A repeat of the same OutTradeNo answers the order's state
// without checking the card again, so a timed-out call may be retried.
// The caller still owns r and wipes it.
func (c *Client) CardAuthorize(ctx context.Context, r pos.CardAuthRequest) (pos.CardAuthResult, error) {
	if r.Kind != pos.CryptogramARQC {
		return cardInvalid("card authorize", r.OutTradeNo, fmt.Errorf("cryptogram %q, want ARQC", r.Kind))
	}
	return c.card(ctx, "/v1/card/authorize", "ONLINE", r)
}

// CardCapture uploads a transaction the card approved offline with a TC
// (r.Kind TC, r.ApprovedAt set): the money moves now. Success means
// cleared; Failed means the acquirer refused it for good (a TC that does
// not verify, a balance that fell short): the merchant's loss, for a
// person to follow up. Unknown comes with a CodeUnavailable error: try
// again later with the same request, which is idempotent on OutTradeNo.
func (c *Client) CardCapture(ctx context.Context, r pos.CardAuthRequest) (pos.CardAuthResult, error) {
	switch {
	case r.Kind != pos.CryptogramTC:
		return cardInvalid("card capture", r.OutTradeNo, fmt.Errorf("cryptogram %q, want TC", r.Kind))
	case r.ApprovedAt.IsZero():
		return cardInvalid("card capture", r.OutTradeNo, fmt.Errorf("no approval time"))
	}
	return c.card(ctx, "/v1/card/capture", "OFFLINE", r)
}

// card sends one card call and classifies the answer.
func (c *Client) card(ctx context.Context, path, entry string, r pos.CardAuthRequest) (pos.CardAuthResult, error) {
	op := "card " + path[len("/v1/card/"):]
	if err := r.Validate(); err != nil {
		return cardInvalid(op, r.OutTradeNo, err)
	}
	body, err := c.cardBody(r)
	if err != nil {
		return cardInvalid(op, r.OutTradeNo, err)
	}
	raw, err := c.post(ctx, path, body)
	clear(body) // it held the PAN
	if err != nil {
		return cardUnknown(op, r.OutTradeNo, answer{}, err)
	}
	a, err := parseAnswer(raw)
	if err != nil {
		return cardUnknown(op, r.OutTradeNo, a, err)
	}
	var res pos.CardAuthResult
	if a.RespCode != "00" {
		res, err = cardRefusal(op, r.OutTradeNo, a)
	} else {
		res, err = cardAnswer(op, entry, r, a, raw)
	}
	if entry == "OFFLINE" && (a.RespCode == "30" || a.RespCode == "A0") {
		// The acquirer refused the request itself (its format, or our
		// key), not the card: booking the payment as a loss would be
		// wrong, and the capture can be sent again once the till is put
		// right. A conflict parks the upload job for the owner.
		return pos.CardAuthResult{Status: pos.StatusUnknown, Code: a.codes(), Reason: res.Reason},
			pos.Errorf(pos.CodeConflict, "unionpay: %s %s: the acquirer refused the request (%s %s), not the card: check the till's clock and settings, then retry",
				op, r.OutTradeNo, a.codes(), a.RespMsg)
	}
	if entry == "OFFLINE" && res.Status == pos.StatusFailed && err == nil {
		code := a.OrigRespCode
		if code == "" {
			code = a.RespCode
		}
		res.Reason = fmt.Sprintf(reasonCaptureRefused, code)
	}
	return res, err
}

// cardAnswer reads the card fields of an order answer and checks it.
func cardAnswer(op, entry string, r pos.CardAuthRequest, a answer, raw []byte) (pos.CardAuthResult, error) {
	var x cardExtra
	if err := json.Unmarshal(raw, &x); err != nil {
		return cardUnknown(op, r.OutTradeNo, a, fmt.Errorf("%w: %v", ErrMalformed, err))
	}
	return cardOrder(op, entry, r, a, x)
}

// cardBody encodes r as the acquirer wants it.
func (c *Client) cardBody(r pos.CardAuthRequest) ([]byte, error) {
	fen, err := toFen(r.Amount)
	if err != nil {
		return nil, err
	}
	pan := make([]byte, 0, len(r.PAN)+2)
	pan = append(append(append(pan, '"'), r.PAN...), '"') // Validate checked: digits only
	defer clear(pan)
	q := cardRequest{OrderNo: r.OutTradeNo, AmountFen: fen, PAN: pan, Expiry: r.Expiry,
		ATC: fmt.Sprintf("%04X", r.ATC), UN: fmt.Sprintf("%X", r.UN[:]), TxnDate: r.TxnDate,
		StoreID: c.cfg.StoreID}
	if r.PANSeq >= 0 {
		q.PANSeq = fmt.Sprintf("%02d", r.PANSeq)
	}
	crypto := fmt.Sprintf("%X", r.Cryptogram)
	if r.Kind == pos.CryptogramTC {
		q.TC, q.ApprovedAt = crypto, r.ApprovedAt.Format(time.RFC3339)
	} else {
		q.ARQC = crypto
	}
	return json.Marshal(q)
}

// cardOrder checks an order answer (resp_code 00) against the request.
func cardOrder(op, entry string, r pos.CardAuthRequest, a answer, x cardExtra) (pos.CardAuthResult, error) {
	if err := sameOrder(r.OutTradeNo, a); err != nil {
		return cardUnknown(op, r.OutTradeNo, a, err)
	}
	res := pos.CardAuthResult{TradeNo: a.TxnNo, AuthCode: x.AuthCode, RRN: x.RRN, MaskedPAN: a.MaskedPAN,
		Entry: x.Entry, Amount: a.Amount.fen, Code: a.codes()}
	switch a.Status {
	case "SUCCESS", "REFUNDED":
		if err := checkApproval(entry, r, a, x); err != nil {
			return cardUnknown(op, r.OutTradeNo, a, err)
		}
		res.Status = pos.StatusSuccess
	case "FAILED":
		res.Status, res.Reason = pos.StatusFailed, cardReason(a.OrigRespCode)
	case "CLOSED", "REVERSED":
		res.Status, res.Reason = pos.StatusClosed, reasonReversed
	default:
		return cardUnknown(op, r.OutTradeNo, a, fmt.Errorf("%w: card order is %q", ErrUnexpected, a.Status))
	}
	return res, nil
}

// checkApproval checks that an approval is about this card, this amount
// and this entry, and shows no more of the card than a mask.
func checkApproval(entry string, r pos.CardAuthRequest, a answer, x cardExtra) error {
	switch {
	case a.TxnNo == "" || !a.Amount.set || a.Amount.fen != r.Amount:
		return fmt.Errorf("%w: approved %d fen (txn %q), asked %d", ErrUnexpected,
			int64(a.Amount.fen), a.TxnNo, int64(r.Amount))
	case !pos.IsMaskedPAN(a.MaskedPAN) || a.MaskedPAN != pos.MaskPAN(r.PAN):
		return fmt.Errorf("%w: answer about another card (%d-character masked PAN)", ErrUnexpected, len(a.MaskedPAN))
	case x.Entry != entry:
		return fmt.Errorf("%w: entry %q, want %s", ErrUnexpected, x.Entry, entry)
	case entry == "ONLINE" && (len(x.AuthCode) != 6 || x.RRN == ""):
		return fmt.Errorf("%w: online approval without auth code or RRN", ErrMalformed)
	}
	return nil
}

// cardReason is the cashier's words for a card refusal code.
func cardReason(code string) string {
	if res, ok := cardCodes[code]; ok && res.status == pos.StatusFailed {
		return res.reason
	}
	return "刷卡失败（" + code + "），请改用其他支付方式"
}

// cardRefusal maps a resp_code other than 00: the table's definite
// answers, Unknown for 96, 65 and anything else.
func cardRefusal(op, no string, a answer) (pos.CardAuthResult, error) {
	if res, ok := cardCodes[a.RespCode]; ok {
		reason := res.reason
		if reason == reasonConfig && a.RespMsg != "" {
			reason += "（" + a.RespMsg + "）"
		}
		return pos.CardAuthResult{Status: res.status, Code: a.codes(), Reason: reason}, nil
	}
	sentinel := ErrUnexpected
	if a.RespCode == "96" || a.RespCode == "65" {
		sentinel = ErrSystemError
	}
	return cardUnknown(op, no, a, fmt.Errorf("%w: %s %s", sentinel, a.codes(), a.RespMsg))
}

// cardUnknown is the result of an answer that cannot be trusted.
func cardUnknown(op, no string, a answer, err error) (pos.CardAuthResult, error) {
	return pos.CardAuthResult{Status: pos.StatusUnknown, Code: a.codes(), Reason: reasonCardUnknown},
		pos.Errorf(pos.CodeUnavailable, "unionpay: %s %s: %w", op, no, err)
}

// cardInvalid is the result of a request refused before sending.
func cardInvalid(op, no string, err error) (pos.CardAuthResult, error) {
	return pos.CardAuthResult{Status: pos.StatusFailed, Reason: reasonCardAmount},
		pos.Errorf(pos.CodeInvalid, "unionpay: %s %s: %w", op, no, err)
}

// post signs and sends body to path and returns the verified answer's
// bytes, as call does for the other requests. Any error means the answer
// cannot be trusted.
func (c *Client) post(ctx context.Context, path string, body []byte) ([]byte, error) {
	raw, _, err := c.send(ctx, path, body, maxResponse, c.timeout)
	return raw, err
}

// macBytes is the request signature of mac, computed without turning the
// body (which holds a PAN) into a string that could not be wiped.
func (c *Client) macBytes(method, path, ts, n string, body []byte) string {
	msg := make([]byte, 0, len(method)+len(path)+len(ts)+len(n)+len(body)+5)
	msg = append(msg, method+"\n"+path+"\n"+ts+"\n"+n+"\n"...)
	msg = append(append(msg, body...), '\n')
	defer clear(msg)
	m := hmac.New(sha256.New, c.key)
	m.Write(msg) // a hash.Hash never fails to write
	return hex.EncodeToString(m.Sum(nil))
}
