package ui

// zhCards translates card payments at the checkout. init adds it to zhCN
// without replacing an entry zhCN already has.
var zhCards = map[string]string{
	"Ask the customer to tap the card":                          "请顾客挥卡",
	"Waiting for the card…":                                     "正在等待顾客挥卡…",
	"No card reader connected":                                  "未连接读卡器",
	"Pay cash instead":                                          "改用现金",
	"No clear answer yet: asking the acquirer…":                 "暂无确定结果，正在向收单机构查询…",
	"Reversing the card payment…":                               "正在撤销该笔刷卡交易…",
	"Approved: saving the sale…":                                "已批准，正在保存订单…",
	"Approved online":                                           "联机批准",
	"Approved offline (脱机批准): uploaded when the network allows": "脱机批准：联网后自动上送",
	"Card":                "卡号",
	"Card not accepted: ": "刷卡未成功：",
	"Offline approval":    "脱机批准",
}

func init() { mergeZh("zhCards", zhCards) }
