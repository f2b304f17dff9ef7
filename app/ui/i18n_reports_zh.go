package ui

// zhReports translates the sales reports screen. init adds it to zhCN
// without replacing an entry zhCN already has.
var zhReports = map[string]string{
	"Reports":                  "报表",
	"By hour":                  "按时段",
	"By category":              "按分类",
	"By product":               "按商品",
	"By cashier":               "按收银员",
	"By channel":               "按渠道",
	"Hour":                     "时段",
	"Category":                 "分类",
	"Product":                  "商品",
	"Cashier":                  "收银员",
	"Payment method":           "收款渠道",
	"Qty":                      "数量",
	"Times sold":               "销售次数",
	"Payments":                 "收款笔数",
	"No. of orders":            "订单数",
	"Gross sales":              "原价金额",
	"Discounts":                "优惠",
	"Takings":                  "实收",
	"Refunded":                 "退款",
	"Net":                      "净额",
	"Total":                    "合计",
	"Others":                   "其他",
	"Uncategorised":            "未分类",
	"to":                       "至",
	"Today":                    "今天",
	"Refresh":                  "刷新",
	"Export Excel…":            "导出 Excel…",
	"No sales in this period.": "该期间没有销售。",
	"sales-report":             "销售报表",
	"Saved %s":                 "已保存 %s",
	"Net · %s":                 "净额 · %s",
	"%d orders · takings %s · discounts %s · refunds %s · net %s": "%d 单 · 实收 %s · 优惠 %s · 退款 %s · 净额 %s",
}

func init() { mergeZh("zhReports", zhReports) }
