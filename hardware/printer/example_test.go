package printer_test

import (
	"fmt"

	"zhanggui/hardware/printer"
)

// sampleDoc is a typical sale: Chinese and ASCII names, a long name that
// wraps, an emphasized total, a QR code, a cut and a drawer kick.
func sampleDoc() printer.Doc {
	return printer.Doc{
		Shop:    "掌柜便利店",
		Address: "杭州市西湖区文三路 88 号",
		TaxNo:   "91330100MA2XXXXX0K",
		Header:  []string{"电话 0571-88886666"},
		Title:   "销售小票",
		Meta: []printer.Row{
			{Label: "单号", Value: "P01-20251125-0042"},
			{Label: "时间", Value: "2025-11-25 19:49"},
			{Label: "收银员", Value: "王芳"},
		},
		Lines: []printer.Line{
			{Name: "可口可乐 330ml", Qty: "2", Price: "3.50", Amount: "7.00"},
			{Name: "农夫山泉", Qty: "1", Price: "2.00", Amount: "2.00"},
			{Name: "康师傅红烧牛肉面 经典五连包 超值装", Qty: "1", Price: "16.90", Amount: "16.90"},
			{Name: "Bananas", Qty: "0.356", Price: "6.98", Amount: "2.48"},
		},
		Totals: []printer.Row{
			{Label: "小计", Value: "28.38"},
			{Label: "抹零", Value: "-0.38"},
			{Label: "合计", Value: "28.00", Bold: true},
		},
		Tenders: []printer.Row{
			{Label: "现金", Value: "50.00"},
			{Label: "找零", Value: "22.00"},
		},
		Footer:     []string{"谢谢惠顾，欢迎再来", "扫码开具电子发票"},
		QR:         "https://fp.example.cn/i?n=P01-20251125-0042",
		Cut:        true,
		OpenDrawer: true,
	}
}

func ExampleEncodeText() {
	d := sampleDoc()
	d.Address, d.TaxNo, d.Header, d.Footer = "", "", nil, []string{"谢谢惠顾"}
	fmt.Print(printer.EncodeText(d, printer.Paper58))
	// Output:
}
