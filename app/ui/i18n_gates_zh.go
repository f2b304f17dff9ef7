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
}

func init() { mergeZh("zhGates", zhGates) }
