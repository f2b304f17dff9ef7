package providersim

import (
	"fmt"
	"math/bits"

	"zhanggui/pos/money"
)

// WeChat coupons (代金券) on the trade bill. A test or demo says that a
// coupon paid part of a WeChat order; the bill then shows it as WeChat
// does: 订单金额 stays the order's, 代金券金额 is the coupon, and a
// 免充值券 (merchant-funded, not pre-deposited) is taken out of
// 应结订单金额 and out of the fee's base. A 充值券 (pre-funded) is settled
// in full. Refunds give the coupon back in proportion (the one that
// completes the order what is left); their 退款金额 lacks the 免充值 part
// and their 充值券退款金额 is the pre-funded part. Only the bill changes:
// the ledger (Charges, the user's balance) keeps the order as booked.

// WechatCoupon is a coupon that paid part of a WeChat order.
type WechatCoupon struct {
	Amount money.Fen
	// NoRecharge makes it a 免充值券: the merchant funds it by not being
	// paid it. False is a 充值券, whose funder paid WeChat beforehand.
	NoRecharge bool
}

// SetWechatCoupon says coupon c paid part of WeChat order outTradeNo, as
// its bills will show. The order must exist and c must not exceed it.
func (s *Sim) SetWechatCoupon(outTradeNo string, c WechatCoupon) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.trades[tradeKey{"wechat", outTradeNo}]
	if t == nil {
		return fmt.Errorf("providersim: no WeChat order %q", outTradeNo)
	}
	if c.Amount <= 0 || c.Amount > t.amount {
		return fmt.Errorf("providersim: a coupon of %v on an order of %v", c.Amount, t.amount)
	}
	if s.coupons == nil {
		s.coupons = map[string]WechatCoupon{}
	}
	s.coupons[outTradeNo] = c
	return nil
}

// couponAmounts returns the bill cells of charge c of a coupon order;
// false when the order had no coupon. Callers hold s.mu.
func (s *Sim) couponAmounts(c Charge, t *trade) (wechatRowAmounts, bool) {
	cp, ok := s.coupons[t.outTradeNo]
	if !ok {
		return wechatRowAmounts{}, false
	}
	var unsettled money.Fen
	if cp.NoRecharge {
		unsettled = cp.Amount
	}
	fee := money.Percent(t.amount-unsettled, s.cfg.FeeRateBP)
	a := wechatRowAmounts{settled: t.amount - unsettled, coupon: cp.Amount, ordered: t.amount, fee: fee}
	switch c.Kind {
	case ChargePayment:
		return a, true
	case ChargeReversal:
		a.asked, a.refund, a.fee = t.amount, t.amount-unsettled, -fee
		if !cp.NoRecharge {
			a.recharge = cp.Amount
		}
		return a, true
	}
	a.asked, a.refund, a.recharge, a.fee = couponRefund(t, cp, fee, c.OutRefundNo, s.cfg.FeeRateBP)
	return a, true
}

// couponRefund works out refund outRefundNo of a coupon order: what was
// asked, what the settlement gives back, the 充值券 part and the fee given
// back (negative). The order's refunds are walked in order, as the coupon
// and the fee go back in proportion, the last refund what is left.
func couponRefund(t *trade, cp WechatCoupon, fee money.Fen, outRefundNo string, rateBP int64) (asked, back, recharge, feeBack money.Fen) {
	var done, couponBack, given money.Fen
	for _, r := range t.refunds {
		last := done+r.amount == t.amount
		share := proportion(cp.Amount, r.amount, t.amount)
		if last {
			share = cp.Amount - couponBack
		}
		asked, back, recharge = r.amount, r.amount, share
		if cp.NoRecharge {
			back, recharge = r.amount-share, 0
		}
		f := money.Percent(back, rateBP)
		if f > fee-given || last {
			f = max(fee-given, 0)
		}
		done, couponBack, given = done+r.amount, couponBack+share, given+f
		if r.outRefundNo == outRefundNo {
			return asked, back, recharge, -f
		}
	}
	return asked, back, recharge, 0 // not reached: the charge is one of the refunds
}

// proportion returns a × b / c rounded down, for 0 ≤ a ≤ c and 0 ≤ b:
// the product of two amounts can pass int64.
func proportion(a, b, c money.Fen) money.Fen {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, _ := bits.Div64(hi, lo, uint64(c)) // a ≤ c: the quotient fits
	return money.Fen(q)
}
