package ui

// zhOverride is the price override at the checkout and the refunds without
// the receipt or to another tender (priceoverride.go, refund.go).
var zhOverride = map[string]string{
	"Change price": "改价",
	"New unit price of %s (catalogue %s, now %s)": "%s 的新单价（原价 %s，现价 %s）",
	"Price of %s from %s to %s":                   "%s 改价：%s 改为 %s",
	"%s (was %s)":                                 "%s（原%s）",
	"  Old price %s":                              "  原价 %s",
	"Price: an amount in yuan such as 12.50, more than 0 and at most 100 times the catalogue price. Nothing was changed.":                                                "单价请输入金额（元），如 12.50：须大于 0，且不超过原价的 100 倍。未作任何修改。",
	"That would make the sale cost more than ¥1,000,000,000: check the price and the quantity. Nothing was changed.":                                                     "金额超过上限（¥1,000,000,000）：请核对单价和数量。未作任何修改。",
	"Open a shift first (Shift screen), then take payments. The cart is kept.":                                                                                           "请先开班（交班页）再收银。购物车已保留。",
	"This offline card payment is not confirmed by the bank yet: it cannot be refunded in cash until it is. Try again once the till is back online and has uploaded it.": "这笔离线刷卡尚未经银行确认，确认前不能退现金。请在联网并上传后再试。",
	"Give it back in cash from the drawer": "从钱箱退现金",
	"Receipt":                              "小票",
	"Not shown (found by search): a refund without receipt": "未出示（按搜索找到）：无单退货",
	" without receipt": "（无单）",
	" in cash":         "（退现金）",
}

func init() { mergeZh("zhOverride", zhOverride) }
