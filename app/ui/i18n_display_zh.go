package ui

// zhDisplay translates the customer display: short, polite words for the
// customer, not the cashier's. init adds it to zhCN without replacing an
// entry zhCN already has.
var zhDisplay = map[string]string{
	"Customer display":                      "顾客显示屏",
	"Welcome!":                              "欢迎光临",
	"Lines: %d":                             "共 %d 项",
	"Total %s":                              "合计 %s",
	"Thank you, come again!":                "谢谢惠顾，欢迎再来",
	"You paid %s":                           "实付 %s",
	"Please show your payment code":         "请出示付款码",
	"Open the pay code in Alipay or WeChat": "请打开支付宝或微信的付款码",
	"Paying…":                               "正在支付…",
	"Scan with %s to pay":                   "请用%s扫码付款",
	"Please confirm the payment on your phone":                       "请在手机上输入密码确认付款",
	"Confirming your payment, one moment please":                     "正在确认支付结果，请稍候",
	"Cancelling the payment…":                                        "正在取消支付…",
	"%d s left":                                                      "剩余 %d 秒",
	"This payment method is not available right now":                 "暂时无法使用此付款方式",
	"Please pay another way":                                         "请换一种方式付款",
	"still to pay":                                                   "还需支付",
	"The payment did not go through":                                 "支付未成功",
	"Nothing was charged. Refresh your pay code, or pay another way": "未扣款。请刷新付款码，或换一种方式付款",
	"The payment was cancelled":                                      "支付已取消",
	"Nothing was charged":                                            "未扣款",
	"The cashier will tell you the result":                           "收银员会告诉您结果",
	"Mobile payment is offline right now":                            "手机支付暂时无法使用",
	"Please pay in cash or another way":                              "请使用现金或其他方式付款",
}

func init() { mergeZh("zhDisplay", zhDisplay) }
