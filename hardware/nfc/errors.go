package nfc

import (
	"context"
	"errors"
)

// Sentinel errors. Errors returned by this package and by nfc/pcsc wrap one of
// these (test with errors.Is); ChineseMessage turns them into the cashier's
// words.
var (
	// ErrNoService means the smart-card service (pcscd) is not running.
	ErrNoService = errors.New("nfc: smart card service not running")
	// ErrNoReader means no card reader is connected.
	ErrNoReader = errors.New("nfc: no card reader connected")
	// ErrNoCard means no card is on the reader.
	ErrNoCard = errors.New("nfc: no card on the reader")
	// ErrCardRemoved means the card left the reader during the transaction.
	ErrCardRemoved = errors.New("nfc: card removed during the transaction")
	// ErrCardReset means another program reset the card during the
	// transaction; like a removal, the read must start again.
	ErrCardReset = errors.New("nfc: card was reset during the transaction")
	// ErrMalformedTLV means a card response is not valid BER-TLV. The
	// concrete error is a *TLVError saying where.
	ErrMalformedTLV = errors.New("nfc: malformed TLV")
	// ErrNoApplication means the card has no payment application this till
	// supports (no PPSE, or none of its applications is known).
	ErrNoApplication = errors.New("nfc: no supported payment application on the card")
	// ErrBadResponse means a card response is well-formed TLV but makes no
	// sense: a missing mandatory object, an impossible AFL, a PAN that is not
	// digits, a reply shorter than its status word.
	ErrBadResponse = errors.New("nfc: card response makes no sense")
)

// Chinese messages for the cashier, one per situation.
const (
	msgNoService   = "pcscd 未运行，请启动智能卡服务"
	msgNoReader    = "未检测到读卡器，请检查读卡器连接"
	msgNoCard      = "请将卡片放在读卡器上"
	msgRemoved     = "卡片已移开，请重新刷卡"
	msgUnreadable  = "无法识别此卡"
	msgCancelled   = "已取消读卡"
	msgReadFailure = "读卡失败，请重新刷卡"
)

// ChineseMessage returns what the cashier should read for err, or "" for nil.
// The caller logs err itself in full; the message never holds card data.
func ChineseMessage(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNoService):
		return msgNoService
	case errors.Is(err, ErrNoReader):
		return msgNoReader
	case errors.Is(err, ErrNoCard):
		return msgNoCard
	case errors.Is(err, ErrCardRemoved), errors.Is(err, ErrCardReset):
		return msgRemoved
	case errors.Is(err, ErrMalformedTLV), errors.Is(err, ErrNoApplication),
		errors.Is(err, ErrBadResponse):
		return msgUnreadable
	case errors.Is(err, context.Canceled):
		return msgCancelled
	default:
		return msgReadFailure
	}
}
