package ui

// zhGates names the gated actions of these screens, for the approval sheet
// and the refusals (gates.go).
var zhGates = map[string]string{
	"Delete a line":                   "删除商品行",
	"Cancel the sale":                 "取消本单",
	"Discount of %s":                  "优惠 %s",
	"the whole sale":                  "整单",
	"Refund of order %s":              "订单 %s 退款",
	"Change the settings":             "修改设置",
	"Back up or restore the data":     "备份或恢复数据",
	"Edit the catalogue":              "修改商品资料",
	"Change the payment channel keys": "修改支付通道密钥",
	"Import products":                 "导入商品",
	"Resolve a difference by hand":    "手工处理差异",
	"Not allowed":                     "无权限",
	"You may not take payments at this till: a cashier logs in to sell (Ctrl+L).": "您无收款权限：请收银员登录后收款（Ctrl+L）。",
	"%s is a trainee: trainees work in training mode only, not on the live till.": "%s 是实习生：实习生只能在培训模式下操作，不能使用正式收银。",
}

func init() { mergeZh("zhGates", zhGates) }
