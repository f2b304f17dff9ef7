package ui

// zhUnionPayQR translates the acquirer's dynamic QR at the checkout (F11)
// and on the customer display. init adds it to zhCN without replacing an
// entry zhCN already has.
var zhUnionPayQR = map[string]string{
	"UnionPay QuickPass":                  "云闪付/银联",
	"Scan with UnionPay QuickPass to pay": "请用云闪付扫码付款",
}

func init() { mergeZh("zhUnionPayQR", zhUnionPayQR) }
