package providersim

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"zhanggui/pos/money"
)

// Card calls of the acquirer API: online authorization with an ARQC, and
// the later upload (capture) of transactions the card approved offline
// with a TC.

// cardAuth is what the acquirer keeps of a card transaction.
type cardAuth struct {
	entry    string // ONLINE (ARQC) or OFFLINE (TC captured later)
	authCode string // 6 digits, online approvals
	rrn      string // 12 digits, retrieval reference number
	arpc     string // the issuer's answer cryptogram, online approvals
}

var (
	hex4  = regexp.MustCompile(`^[0-9A-Fa-f]{4}$`)
	hex8  = regexp.MustCompile(`^[0-9A-Fa-f]{8}$`)
	hex16 = regexp.MustCompile(`^[0-9A-Fa-f]{16}$`)
	yymmd = regexp.MustCompile(`^[0-9]{6}$`)
)

// checkCardFields validates the chip data of a card call.
func checkCardFields(q acqRequest, cryptogram string) obj {
	switch {
	case q.AmountFen <= 0 || money.Fen(q.AmountFen) > money.MaxFen:
		return acqResp(acqFormat, "amount_fen 须为正整数（分）")
	case !hex4.MatchString(q.ATC) || !hex8.MatchString(q.UN) || !yymmd.MatchString(q.TxnDate):
		return acqResp(acqFormat, "atc 须为 4 位、unpredictable_number 8 位十六进制，txn_date 为 YYMMDD")
	case !hex16.MatchString(cryptogram):
		return acqResp(acqFormat, "arqc/tc 须为 16 位十六进制")
	}
	return nil
}

// verifyCard checks the card, its expiry at `at`, the cryptogram and the
// ATC; the ATC is used up even when the cryptogram is wrong, as a card's
// counter only rises.
func (s *Sim) verifyCard(q acqRequest, kind CryptogramKind, cryptogram string, at time.Time) (*simCard, failure) {
	c := s.cards[q.PAN]
	if c == nil || q.PANSeq != c.info.PANSeq || q.Expiry != c.info.Expiry {
		return nil, fCodeInvalid
	}
	if cardExpired(c.info.Expiry, at) {
		return c, fExpiredCard
	}
	atc, _ := strconv.ParseInt(q.ATC, 16, 32)
	in := CryptogramInput{Amount: money.Fen(q.AmountFen), Date: q.TxnDate, UN: q.UN, ATC: q.ATC}
	replay := int(atc) <= c.lastATC
	if int(atc) > c.lastATC {
		c.lastATC = int(atc)
	}
	if replay || !strings.EqualFold(cryptogram, c.info.Cryptogram(kind, in)) {
		return c, fCryptogram
	}
	return c, fNone
}

// acqCardAuthorize is POST /v1/card/authorize: an online authorization.
// A repeat of an order answers its state without checking the (used) ATC
// again.
func (s *Sim) acqCardAuthorize(body []byte) (obj, delivery) {
	q, bad := parseAcq(body, true)
	if bad == nil {
		bad = checkCardFields(q, q.ARQC)
	}
	if bad != nil {
		return bad, delivery{}
	}
	r := payReq{provider: Card, kind: kindCard, outTradeNo: q.OrderNo, authCode: q.PAN,
		amount: money.Fen(q.AmountFen), subject: q.Subject, storeID: q.StoreID}
	if s.trades[tradeKey{"acquirer", q.OrderNo}] == nil {
		c, f := s.verifyCard(q, ARQC, q.ARQC, s.now())
		if f != fNone {
			return acqResp(acqFailCode(f), ""), delivery{}
		}
		r.userID = c.info.UserID
	}
	res := s.payLocked(r)
	if t := res.t; t != nil && t.card == nil {
		t.card = &cardAuth{entry: "ONLINE", rrn: s.digits(12)}
		if t.state == stPaid {
			t.card.authCode = s.digits(6)
			t.card.arpc = s.cards[q.PAN].info.arpc(strings.ToUpper(q.ARQC), acqOK)
		}
	}
	return s.acqPayAnswer(res), res.d
}

// acqCardCapture is POST /v1/card/capture: a transaction the card approved
// offline (TC), uploaded later. The money moves now; a TC that does not
// verify or a balance that fell short leaves the capture FAILED, the
// merchant's loss.
func (s *Sim) acqCardCapture(body []byte) (obj, delivery) {
	q, bad := parseAcq(body, true)
	if bad == nil {
		bad = checkCardFields(q, q.TC)
	}
	if bad != nil {
		return bad, delivery{}
	}
	approved := s.now()
	if q.ApprovedAt != "" {
		at, err := time.Parse(time.RFC3339, q.ApprovedAt)
		if err != nil || at.After(s.now().Add(s.cfg.Windows.ClockSkew)) { // a terminal's clock may run a little ahead
			return acqResp(acqFormat, "approved_at 须为不晚于现在的 RFC 3339 时间"), delivery{}
		}
		approved = at
	}
	r := payReq{provider: Card, kind: kindCard, outTradeNo: q.OrderNo, authCode: q.PAN,
		amount: money.Fen(q.AmountFen), subject: q.Subject, storeID: q.StoreID}
	if s.trades[tradeKey{"acquirer", q.OrderNo}] == nil {
		c, f := s.verifyCard(q, TC, q.TC, approved)
		switch {
		case c == nil:
			return acqResp(acqInvalid, ""), delivery{}
		case f != fNone:
			r.userID = c.info.UserID
			t := s.newTrade(r)
			t.state, t.failReason, t.created = stFailed, f, approved
			t.card = &cardAuth{entry: "OFFLINE", rrn: s.digits(12)}
			return s.acqPayAnswer(payRes{t: t, fail: f}), delivery{}
		}
		r.userID = c.info.UserID
	}
	res := s.payLocked(r)
	if t := res.t; t != nil && t.card == nil {
		t.created = approved
		t.card = &cardAuth{entry: "OFFLINE", rrn: s.digits(12)}
	}
	return s.acqPayAnswer(res), res.d
}
