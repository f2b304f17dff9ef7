// Package ledger is the shop's double-entry book: accounts, postings and
// balanced journal entries. Entries are immutable; a correction is a new,
// reversing entry.
package ledger

import (
	"errors"
	"fmt"
	"time"

	"zhanggui/pos/money"
)

// Account names a ledger account. The code before the dot follows the
// Chinese small-business chart of accounts, so an accountant recognises it.
type Account string

// The shop's accounts.
const (
	Cash              Account = "1001.cash"            // 库存现金: the drawer
	AlipayClearing    Account = "1012.alipay"          // 其他货币资金-支付宝: owed by Alipay
	WechatClearing    Account = "1012.wechat"          // 其他货币资金-微信
	UnionPayClearing  Account = "1012.unionpay"        // 其他货币资金-银联
	ECNYClearing      Account = "1012.ecny"            // 其他货币资金-数字人民币
	CardReceivable    Account = "1122.card"            // 应收账款-银行卡
	StoredValue       Account = "2203.stored_value"    // 预收账款-会员储值
	PointsLiability   Account = "2241.points"          // 其他应付款-会员积分
	Revenue           Account = "6001.sales"           // 主营业务收入
	Discounts         Account = "6001.discounts"       // 销售折扣 (contra revenue)
	Rounding          Account = "6001.rounding"        // 抹零 (contra revenue)
	Refunds           Account = "6001.refunds"         // 销售退回 (contra revenue)
	ProviderFees      Account = "6603.fees"            // 财务费用-手续费
	CardOfflineLosses Account = "6711.card_losses"     // 营业外支出-脱机拒付
	Safe              Account = "1001.safe"            // 库存现金-保险柜: where drops go and paid-ins come from
	CashOverShort     Account = "1901.cash_over_short" // 待处理财产损溢-现金长短款: a shift's 长短款
	PettyExpenses     Account = "6602.petty"           // 管理费用-零星支出: paid out of the drawer
)

// ErrUnbalanced means an entry's debits and credits differ.
var ErrUnbalanced = errors.New("ledger: debits and credits differ")

// ErrBadPosting means a posting has both sides, neither side, or a negative side.
var ErrBadPosting = errors.New("ledger: a posting needs exactly one positive side")

// A Posting is one line of an entry. Exactly one of Debit and Credit is
// positive: the direction is the column, never the sign.
type Posting struct {
	Account Account
	Debit   money.Fen
	Credit  money.Fen
}

// Debit returns a debit posting of f to a.
func Debit(a Account, f money.Fen) Posting { return Posting{Account: a, Debit: f} }

// Credit returns a credit posting of f to a.
func Credit(a Account, f money.Fen) Posting { return Posting{Account: a, Credit: f} }

// An Entry is one balanced journal entry.
type Entry struct {
	ID       string
	At       time.Time // UTC
	Ref      string    // what caused it: a sale or refund ID
	Memo     string
	Postings []Posting
}

// Validate reports whether e is a well-formed, balanced entry.
func (e Entry) Validate() error {
	if len(e.Postings) < 2 {
		return fmt.Errorf("ledger: entry %s has %d postings: %w", e.ID, len(e.Postings), ErrUnbalanced)
	}
	var dr, cr money.Fen
	for _, p := range e.Postings {
		if p.Account == "" || p.Debit < 0 || p.Credit < 0 || (p.Debit > 0) == (p.Credit > 0) {
			return fmt.Errorf("ledger: entry %s, account %q: %w", e.ID, p.Account, ErrBadPosting)
		}
		dr += p.Debit
		cr += p.Credit
	}
	if dr != cr {
		return fmt.Errorf("ledger: entry %s: debits %v, credits %v: %w", e.ID, dr, cr, ErrUnbalanced)
	}
	return nil
}

// Total returns the sum of e's debits (equal to its credits when valid).
func (e Entry) Total() money.Fen {
	var dr money.Fen
	for _, p := range e.Postings {
		dr += p.Debit
	}
	return dr
}

// Reverse returns a new entry that undoes e: the same postings with the sides swapped.
func (e Entry) Reverse(id string, at time.Time) Entry {
	r := Entry{ID: id, At: at.UTC(), Ref: e.Ref, Memo: "reverses " + e.ID}
	for _, p := range e.Postings {
		r.Postings = append(r.Postings, Posting{Account: p.Account, Debit: p.Credit, Credit: p.Debit})
	}
	return r
}

// Builder collects postings, merging those to the same account and side and
// dropping zero amounts, so callers can add every component unconditionally.
type Builder struct {
	order []Account
	dr    map[Account]money.Fen
	cr    map[Account]money.Fen
}

// Debit adds f to a's debit side; zero is ignored.
func (b *Builder) Debit(a Account, f money.Fen) { b.add(a, f, true) }

// Credit adds f to a's credit side; zero is ignored.
func (b *Builder) Credit(a Account, f money.Fen) { b.add(a, f, false) }

func (b *Builder) add(a Account, f money.Fen, debit bool) {
	if f < 0 {
		panic("ledger.Builder: negative amount for " + string(a))
	}
	if f == 0 {
		return
	}
	if b.dr == nil {
		b.dr, b.cr = map[Account]money.Fen{}, map[Account]money.Fen{}
	}
	if _, ok := b.dr[a]; !ok {
		if _, ok := b.cr[a]; !ok {
			b.order = append(b.order, a)
		}
	}
	if debit {
		b.dr[a] += f
	} else {
		b.cr[a] += f
	}
}

// Entry returns the entry built so far, validated.
func (b *Builder) Entry(id string, at time.Time, ref, memo string) (Entry, error) {
	e := Entry{ID: id, At: at.UTC(), Ref: ref, Memo: memo}
	for _, a := range b.order {
		if f := b.dr[a]; f > 0 {
			e.Postings = append(e.Postings, Debit(a, f))
		}
		if f := b.cr[a]; f > 0 {
			e.Postings = append(e.Postings, Credit(a, f))
		}
	}
	return e, e.Validate()
}

// Balances sums postings per account as debit minus credit.
func Balances(entries []Entry) map[Account]money.Fen {
	out := map[Account]money.Fen{}
	for _, e := range entries {
		for _, p := range e.Postings {
			out[p.Account] += p.Debit - p.Credit
		}
	}
	return out
}
