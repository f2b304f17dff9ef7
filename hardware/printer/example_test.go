package printer_test

import (
	"fmt"

	"zhanggui/hardware/printer"
)

func ExampleEncodeText() {
	d := printer.Doc{
		Shop:  "掌柜便利店",
		Title: "销售小票",
		Meta:  []printer.Row{{Label: "单号", Value: "P01-20251125-0042"}},
		Lines: []printer.Line{
			{Name: "可口可乐 330ml", Qty: "2", Price: "3.50", Amount: "7.00"},
			{Name: "农夫山泉", Qty: "1", Price: "2.00", Amount: "2.00"},
		},
		Totals: []printer.Row{{Label: "合计", Value: "9.00", Bold: true}},
		Footer: []string{"谢谢惠顾"},
		Cut:    true,
	}
	fmt.Print(printer.EncodeText(d, printer.Paper58))
	// Output:
	//            掌柜便利店
	//             销售小票
	// --------------------------------
	// 单号           P01-20251125-0042
	// --------------------------------
	// 商品      数量     单价     金额
	// 可口可乐 330ml
	//              2     3.50     7.00
	// 农夫山泉     1     2.00     2.00
	// --------------------------------
	// 合计                        9.00
	// --------------------------------
	//             谢谢惠顾
}
