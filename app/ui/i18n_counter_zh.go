package ui

// zhCounter translates the checkout's search count and the words the
// screens' layout fixes brought (issue 11). init adds it to zhCN.
var zhCounter = map[string]string{
	"More than %d matches: type more of the name · ↑/↓ choose · Enter adds": "超过 %d 个商品：请多输入几个字 · ↑/↓ 选择 · 回车加入",
	"1 match · Enter adds it":                                    "找到 1 个商品 · 回车加入",
	"%d matches · ↑/↓ choose · Enter adds":                       "找到 %d 个商品 · ↑/↓ 选择 · 回车加入",
	"%d order · %s":                                              "%d 单 · %s",
	"%d order · takings %s · discounts %s · refunds %s · net %s": "%d 单 · 实收 %s · 优惠 %s · 退款 %s · 净额 %s",
}

func init() { mergeZh("zhCounter", zhCounter) }
