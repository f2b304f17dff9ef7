package reports

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zhanggui/assets"
	"zhanggui/pos"
	"zhanggui/pos/money"
)

// head is the template's header in Chinese.
const head = "条码,名称,分类,单位,售价,会员价,称重,库存,状态"

// Valid codes: EAN-13 (two), UPC-A, EAN-8, a shop's own code.
const (
	coke   = "6901234567892"
	sprite = "6901234567809"
	upc    = "036000291452"
	ean8   = "96385074"
)

func csvOf(lines ...string) []byte { return []byte(strings.Join(lines, "\n") + "\n") }

var cokeProduct = pos.Product{Barcode: coke, Name: "可口可乐 330ml", Category: "饮料", Unit: "罐",
	Price: 350, Stock: 24000, Active: true}

var goodCSV = []struct {
	name string
	in   []byte
	want []pos.Product
}{
	{"every column", csvOf(head,
		coke+",可口可乐 330ml,饮料,罐,3.50,,否,24,在售",
		"2110001000003,红富士苹果,生鲜果蔬,kg,12,10.8,是,12.5,在售",
		sprite+",雪碧 500ml,饮料,瓶,3.5,3,no,0,停售"),
		[]pos.Product{cokeProduct,
			{Barcode: "2110001000003", Name: "红富士苹果", Category: "生鲜果蔬", Unit: "kg", Price: 1200,
				MemberPrice: 1080, ByWeight: true, Stock: 12500, Active: true},
			{Barcode: sprite, Name: "雪碧 500ml", Category: "饮料", Unit: "瓶", Price: 350, MemberPrice: 300}}},
	{"English headers, any order, unknown column, optional columns absent", csvOf(
		"Unit,Price,Remark,Name,Category,Barcode",
		"罐,3.50,进口,可口可乐 330ml,饮料,"+coke),
		[]pos.Product{{Barcode: coke, Name: "可口可乐 330ml", Category: "饮料", Unit: "罐", Price: 350, Active: true}}},
	{"header spellings", csvOf(
		"商品条码,品名,类别,单位,零售价（元）,Member_Price,By Weight,库存数量,Status",
		coke+",可口可乐 330ml,饮料,罐,3.50,,false,24,active"),
		[]pos.Product{cokeProduct}},
	{"UTF-8 BOM", append([]byte("\ufeff"), csvOf(head, coke+",可口可乐 330ml,饮料,罐,3.50,,否,24,在售")...),
		[]pos.Product{cokeProduct}},
	{"spaces trimmed, full-width too", csvOf(head,
		" "+coke+" ,\u3000可口可乐 330ml\u3000, 饮料 ,罐 , 3.50 ,, 否 , 24 , 在售 "),
		[]pos.Product{cokeProduct}},
	{"blank lines and empty rows skipped", csvOf(head, "", ",,,,,,,,", coke+",可口可乐 330ml,饮料,罐,3.50,,否,24,在售", ""),
		[]pos.Product{cokeProduct}},
	{"tab separated", []byte(strings.ReplaceAll(string(csvOf(head, coke+",可口可乐 330ml,饮料,罐,3.50,,否,24,在售")), ",", "\t")),
		[]pos.Product{cokeProduct}},
	{"yuan sign, stock 0.000, negative stock, TRUE, 下架, empty category", csvOf(head,
		coke+",可口可乐 330ml,,罐,¥3.50,￥3.00,TRUE,0.000,下架",
		sprite+",雪碧 500ml,饮料,瓶,3.5,0,0,-2.5,1"),
		[]pos.Product{
			{Barcode: coke, Name: "可口可乐 330ml", Unit: "罐", Price: 350, MemberPrice: 300, ByWeight: true},
			{Barcode: sprite, Name: "雪碧 500ml", Category: "饮料", Unit: "瓶", Price: 350, Stock: -2500, Active: true}}},
	{"UPC-A, EAN-8 and a shop code, lower case kept as ParseBarcode gives it", csvOf(head,
		upc+",Hershey's,零食,个,9.9,,,,",
		ean8+",老干妈 280g,粮油调味,瓶,11.50,,,,",
		"zg-001,散装糖果,零食,kg,30,,是,,"),
		[]pos.Product{
			{Barcode: upc, Name: "Hershey's", Category: "零食", Unit: "个", Price: 990, Active: true},
			{Barcode: ean8, Name: "老干妈 280g", Category: "粮油调味", Unit: "瓶", Price: 1150, Active: true},
			{Barcode: "ZG-001", Name: "散装糖果", Category: "零食", Unit: "kg", Price: 3000, ByWeight: true, Active: true}}},
	{"quoted cells with commas, quotes and a line break", csvOf(head,
		coke+`,"可口可乐, ""经典"" 330ml",饮料,罐,3.50,,否,24,在售`),
		[]pos.Product{{Barcode: coke, Name: `可口可乐, "经典" 330ml`, Category: "饮料", Unit: "罐",
			Price: 350, Stock: 24000, Active: true}}},
	{"header only", csvOf(head), []pos.Product{}},
}

func TestImportCSV(t *testing.T) {
	for _, tc := range goodCSV {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ImportProducts(bytes.NewReader(tc.in), "csv")
			if err != nil {
				t.Fatalf("ImportProducts() error: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ImportProducts() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportCSVGBK(t *testing.T) {
	text := string(csvOf(head, coke+",可口可乐 330ml,饮料,罐,3.50,,否,24,在售"))
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ImportProducts(strings.NewReader(gbk), "csv")
	if err != nil {
		t.Fatalf("ImportProducts(GBK) error: %v", err)
	}
	if diff := cmp.Diff([]pos.Product{cokeProduct}, got); diff != "" {
		t.Errorf("ImportProducts(GBK) mismatch (-want +got):\n%s", diff)
	}
}

// row builds a data row in head's order, with a good product's cells where
// the field is not given.
func row(fields map[string]string) string {
	cells := map[string]string{"条码": coke, "名称": "可口可乐 330ml", "分类": "饮料", "单位": "罐", "售价": "3.50"}
	for k, v := range fields {
		cells[k] = v
	}
	var out []string
	for _, h := range strings.Split(head, ",") {
		out = append(out, cells[h])
	}
	return strings.Join(out, ",")
}

type m = map[string]string

var badCSV = []struct {
	name string
	in   []byte
	want []RowError
}{
	{"barcode empty", csvOf(head, row(m{"条码": ""})), []RowError{{2, "条码", "条码不能为空"}}},
	{"barcode check digit", csvOf(head, row(m{"条码": "6901234567891"})), []RowError{{2, "条码", "条码校验位错误"}}},
	{"barcode characters", csvOf(head, row(m{"条码": "69-01 23"})),
		[]RowError{{2, "条码", "条码格式错误：只能是数字、字母、- 和 _，最长 32 位"}}},
	{"barcode too long", csvOf(head, row(m{"条码": strings.Repeat("A", 33)})),
		[]RowError{{2, "条码", "条码格式错误：只能是数字、字母、- 和 _，最长 32 位"}}},
	{"barcode in scientific notation", csvOf(head, row(m{"条码": "6.90123E+12"})),
		[]RowError{{2, "条码", "条码被 Excel 显示成了科学计数法（如 6.90123E+12）：请把条码列设为文本格式，重新填写后保存"}}},
	{"barcode duplicate", csvOf(head, row(m{}), row(m{"条码": sprite}), row(m{})),
		[]RowError{{4, "条码", "条码重复（与第 2 行）"}}},
	{"name empty", csvOf(head, row(m{"名称": " "})), []RowError{{2, "名称", "名称不能为空"}}},
	{"name too long", csvOf(head, row(m{"名称": strings.Repeat("长", 61)})), []RowError{{2, "名称", "名称太长：最多 60 个字"}}},
	{"unit empty", csvOf(head, row(m{"单位": ""})), []RowError{{2, "单位", "单位不能为空"}}},
	{"price empty", csvOf(head, row(m{"售价": ""})), []RowError{{2, "售价", "售价不能为空"}}},
	{"price three decimals", csvOf(head, row(m{"售价": "3.505"})),
		[]RowError{{2, "售价", "售价格式错误：应为数字，最多两位小数，如 12.50"}}},
	{"price with thousands separator", csvOf(head, row(m{"售价": "\"1,200.00\""})),
		[]RowError{{2, "售价", "售价格式错误：应为数字，最多两位小数，如 12.50"}}},
	{"price zero", csvOf(head, row(m{"售价": "0.00"})), []RowError{{2, "售价", "售价必须大于0"}}},
	{"price negative", csvOf(head, row(m{"售价": "-3"})), []RowError{{2, "售价", "售价必须大于0"}}},
	{"member price format", csvOf(head, row(m{"会员价": "三元"})),
		[]RowError{{2, "会员价", "会员价格式错误：应为数字，最多两位小数，如 11.50"}}},
	{"member price above price", csvOf(head, row(m{"会员价": "3.51"})), []RowError{{2, "会员价", "会员价不能高于售价"}}},
	{"by weight word", csvOf(head, row(m{"称重": "按斤"})), []RowError{{2, "称重", "称重只能填 是 或 否"}}},
	{"stock format", csvOf(head, row(m{"库存": "1.2345"})), []RowError{{2, "库存", "库存格式错误：应为数字，最多三位小数，如 12.5"}}},
	{"stock word", csvOf(head, row(m{"库存": "很多"})), []RowError{{2, "库存", "库存格式错误：应为数字，最多三位小数，如 12.5"}}},
	{"active word", csvOf(head, row(m{"状态": "缺货"})), []RowError{{2, "状态", "状态只能填 在售 或 停售"}}},
	{"every cell of a row", csvOf(head, ",,饮料,,,x,x,x,x"), []RowError{
		{2, "条码", "条码不能为空"}, {2, "名称", "名称不能为空"}, {2, "单位", "单位不能为空"},
		{2, "称重", "称重只能填 是 或 否"}, {2, "库存", "库存格式错误：应为数字，最多三位小数，如 12.5"},
		{2, "状态", "状态只能填 在售 或 停售"}, {2, "售价", "售价不能为空"},
		{2, "会员价", "会员价格式错误：应为数字，最多两位小数，如 11.50"}}},
	{"English header names the column", csvOf("barcode,name,category,unit,price", "12!3,x,y,z,1"),
		[]RowError{{2, "barcode", "条码格式错误：只能是数字、字母、- 和 _，最长 32 位"}}},
	{"row numbers count blank lines and multi-line cells", csvOf(head, "", "\""+coke+"\",\"两行\n名称\",饮料,罐,3.50", "", row(m{"条码": sprite, "售价": "x"})),
		[]RowError{{5, "售价", "售价格式错误：应为数字，最多两位小数，如 12.50"}}},
	{"missing columns", csvOf("条码,名称,价格"), []RowError{{1, "", "缺少必需的列：分类、单位（表头应包含 条码、名称、分类、单位、售价）"}}},
	{"column twice", csvOf("条码,名称,分类,单位,售价,barcode"),
		[]RowError{{1, "barcode", "表头中「条码」列出现了两次（第 1 列和第 6 列）"}}},
	{"empty file", nil, []RowError{{1, "", "文件是空的：第 1 行应为表头（条码、名称、分类、单位、售价…）"}}},
	{"an xlsx given as CSV", []byte("PK\x03\x04rest of a zip"), []RowError{{0, "", "这是 Excel 工作簿，不是 CSV 文件：请选择 .xlsx 格式导入"}}},
	{"UTF-16", []byte{0xFF, 0xFE, '=', 0}, []RowError{{0, "", "文件是 UTF-16 编码：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」或「CSV（逗号分隔）」"}}},
}

func TestImportCSVBadRows(t *testing.T) {
	for _, tc := range badCSV {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ImportProducts(bytes.NewReader(tc.in), "csv")
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("ImportProducts() = %d products, error %v; want an *ImportError", len(got), err)
			}
			if got != nil {
				t.Errorf("ImportProducts() returned %d products with an error, want none", len(got))
			}
			if diff := cmp.Diff(tc.want, ie.Rows); diff != "" {
				t.Errorf("ImportError.Rows mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBadFileImportsNothing: a file with bad rows imports nothing and lists
// every bad row with its row number and reason.
func TestBadFileImportsNothing(t *testing.T) {
	in := csvOf(head,
		row(m{}),                                // 2 good
		row(m{"条码": "6901234567891"}),           // 3
		row(m{"条码": sprite}),                    // 4 good
		row(m{"条码": upc, "售价": "0"}),            // 5
		row(m{"条码": ean8, "名称": ""}),            // 6
		row(m{"条码": sprite, "会员价": "9"}),        // 7: duplicate, member price
		"2110001000003,苹果,生鲜果蔬,kg,12,,是,1.5,在售", // 8 good
	)
	ps, err := ImportProducts(bytes.NewReader(in), "csv")
	if ps != nil {
		t.Errorf("ImportProducts() returned %d products, want none", len(ps))
	}
	want := []RowError{
		{3, "条码", "条码校验位错误"},
		{5, "售价", "售价必须大于0"},
		{6, "名称", "名称不能为空"},
		{7, "会员价", "会员价不能高于售价"},
		{7, "条码", "条码重复（与第 4 行）"},
	}
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("ImportProducts() error = %v, want an *ImportError", err)
	}
	if diff := cmp.Diff(want, ie.Rows); diff != "" {
		t.Errorf("ImportError.Rows mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(err, ErrBadImport) || pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("error is not ErrBadImport with CodeInvalid: %v", err)
	}
	for _, r := range want {
		if !strings.Contains(err.Error(), r.String()) {
			t.Errorf("Error() does not list %q:\n%s", r.String(), err)
		}
	}
}

// TestImportCSVLateInvalidUTF8: the encoding is chosen from the first
// megabyte; a later row that is not UTF-8 is reported, not misread.
func TestImportCSVLateInvalidUTF8(t *testing.T) {
	in := csvOf(head+",备注", row(m{})+","+strings.Repeat("x", sniffBytes), row(m{"条码": sprite, "名称": "\xff\xfe"}))
	_, err := ImportProducts(bytes.NewReader(in), "csv")
	want := []RowError{{3, "名称", "文字编码错误：请把文件另存为 UTF-8 或 GBK 编码"}}
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("ImportProducts() error = %v, want an *ImportError", err)
	}
	if diff := cmp.Diff(want, ie.Rows); diff != "" {
		t.Errorf("ImportError.Rows mismatch (-want +got):\n%s", diff)
	}
}

func TestImportLimits(t *testing.T) {
	t.Run("cell over 10 MB", func(t *testing.T) {
		in := csvOf(head, row(m{}), coke+",\""+strings.Repeat("x", MaxCellBytes+1))
		wantRows(t, in, []RowError{{3, "", "这一行超过 10 MB，文件可能已损坏（是否有引号没有配对？）"}})
	})
	t.Run("too many rows", func(t *testing.T) {
		var b bytes.Buffer
		b.WriteString(head + "\n")
		for i := range MaxImportRows + 1 {
			fmt.Fprintf(&b, "P%d,x,,个,1\n", i)
		}
		wantRows(t, b.Bytes(), []RowError{{MaxImportRows + 2, "", "商品超过 200000 行，请分成几个文件导入"}})
	})
}

func wantRows(t *testing.T, in []byte, want []RowError) {
	t.Helper()
	_, err := ImportProducts(bytes.NewReader(in), "csv")
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("ImportProducts() error = %v, want an *ImportError", err)
	}
	if diff := cmp.Diff(want, ie.Rows); diff != "" {
		t.Errorf("ImportError.Rows mismatch (-want +got):\n%s", diff)
	}
}

// demoProducts parses the demo shop's catalogue.
func demoProducts(t testing.TB) []pos.Product {
	t.Helper()
	ps, err := ImportProducts(bytes.NewReader(assets.DemoProductsCSV), "csv")
	if err != nil {
		t.Fatalf("ImportProducts(assets.DemoProductsCSV) error: %v", err)
	}
	return ps
}

func TestDemoCatalogue(t *testing.T) {
	ps := demoProducts(t)
	if len(ps) < 180 || len(ps) > 250 {
		t.Errorf("demo catalogue has %d products, want about 200", len(ps))
	}
	seen := map[string]bool{}
	var weighed, member int
	for _, p := range ps {
		if seen[p.Barcode] {
			t.Errorf("barcode %s appears twice", p.Barcode)
		}
		seen[p.Barcode] = true
		if len(p.Barcode) != 13 || !pos.CheckDigitOK(p.Barcode) {
			t.Errorf("%s: barcode %s is not a 13-digit code with a valid check digit", p.Name, p.Barcode)
		}
		prefix := "69"
		if p.ByWeight {
			weighed++
			prefix = "2"
		}
		if !strings.HasPrefix(p.Barcode, prefix) {
			t.Errorf("%s: barcode %s does not start with %s", p.Name, p.Barcode, prefix)
		}
		if p.MemberPrice > 0 {
			member++
		}
		if strings.Contains(p.Category, "烟") {
			t.Errorf("%s: the till sells no tobacco", p.Name)
		}
	}
	if weighed < 20 || weighed > 30 || member < 25 || member > 35 {
		t.Errorf("demo catalogue has %d weighed products and %d member prices, want about 25 and 30", weighed, member)
	}
	t.Logf("%d products, %d by weight, %d with a member price", len(ps), weighed, member)
}

func TestXLSXRoundTrip(t *testing.T) {
	ps := demoProducts(t)
	ps = append(ps,
		pos.Product{Barcode: upc, Name: "前导零条码", Unit: "个", Price: 1, Active: true},
		pos.Product{Barcode: "ZG-1", Name: "超卖的商品", Unit: "kg", Price: 99_999_999_999, MemberPrice: 1,
			ByWeight: true, Stock: -1_234_567, Active: false},
		pos.Product{Barcode: "ZG-2", Name: `引号 "和" <xml> & 符号`, Unit: "个", Price: 10, Stock: pos.MaxQty})
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := ExportProductsXLSX(&buf, ps, lang); err != nil {
				t.Fatalf("ExportProductsXLSX() error: %v", err)
			}
			got, err := ImportProducts(&buf, "xlsx")
			if err != nil {
				t.Fatalf("ImportProducts(exported) error: %v", err)
			}
			if diff := cmp.Diff(ps, got); diff != "" {
				t.Errorf("round trip mismatch (-exported +imported):\n%s", diff)
			}
		})
	}
}

func TestProductFiles(t *testing.T) {
	ps := demoProducts(t)
	path := filepath.Join(t.TempDir(), "商品.xlsx")
	if err := ExportProductsFile(path, ps, "zh"); err != nil {
		t.Fatalf("ExportProductsFile() error: %v", err)
	}
	got, err := ImportProductsFile(path)
	if err != nil {
		t.Fatalf("ImportProductsFile(%s) error: %v", path, err)
	}
	if diff := cmp.Diff(ps, got); diff != "" {
		t.Errorf("file round trip mismatch (-exported +imported):\n%s", diff)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("export left %d files in its directory, want 1", len(entries))
	}

	csvPath := filepath.Join(t.TempDir(), "demo.CSV")
	if err := os.WriteFile(csvPath, assets.DemoProductsCSV, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := ImportProductsFile(csvPath); err != nil || len(got) != len(ps) {
		t.Errorf("ImportProductsFile(%s) = %d products, %v; want %d", csvPath, len(got), err, len(ps))
	}
	for _, name := range []string{"商品.xls", "商品.txt", "商品"} {
		if _, err := ImportProductsFile(name); !errors.Is(err, ErrUnsupportedFormat) {
			t.Errorf("ImportProductsFile(%s) error = %v, want ErrUnsupportedFormat", name, err)
		}
	}
	if _, err := ImportProductsFile(filepath.Join(t.TempDir(), "none.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ImportProductsFile(missing) error = %v, want os.ErrNotExist", err)
	}
	if err := ExportProductsFile(filepath.Join(t.TempDir(), "no", "dir.xlsx"), ps, "zh"); err == nil {
		t.Errorf("ExportProductsFile(into a missing directory) succeeded")
	}
}

func TestImportArguments(t *testing.T) {
	if _, err := ImportProducts(strings.NewReader(head), "xls"); !errors.Is(err, ErrUnsupportedFormat) {
		t.Errorf("ImportProducts(format xls) error = %v, want ErrUnsupportedFormat", err)
	}
	wantFileError := "不是有效的 Excel .xlsx 文件（旧版 .xls 请在 Excel 中另存为 .xlsx；不支持加密的文件）"
	_, err := ImportProducts(strings.NewReader(head), "XLSX")
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0] != (RowError{Reason: wantFileError}) {
		t.Errorf("ImportProducts(CSV as xlsx) error = %v, want the file error %q", err, wantFileError)
	}
	for _, lang := range []string{"", "fr"} {
		if err := ExportProductsXLSX(&bytes.Buffer{}, nil, lang); !errors.Is(err, ErrBadLanguage) {
			t.Errorf("ExportProductsXLSX(lang %q) error = %v, want ErrBadLanguage", lang, err)
		}
		if err := WriteTemplateXLSX(&bytes.Buffer{}, lang); !errors.Is(err, ErrBadLanguage) {
			t.Errorf("WriteTemplateXLSX(lang %q) error = %v, want ErrBadLanguage", lang, err)
		}
	}
}

// TestExportLayout reopens an export and checks what the owner sees.
func TestExportLayout(t *testing.T) {
	ps := []pos.Product{cokeProduct, {Barcode: upc, Name: "苹果", Unit: "kg", Price: 123456, MemberPrice: 120000,
		ByWeight: true, Stock: 356}}
	f := exported(t, ps, "zh")
	sheet := "商品"
	if got := f.GetSheetList(); !cmp.Equal(got, []string{sheet}) {
		t.Fatalf("sheets = %v, want [%s]", got, sheet)
	}
	wantShown := [][]string{
		strings.Split(head, ","),
		{coke, "可口可乐 330ml", "饮料", "罐", "¥3.50", "", "否", "24", "在售"},
		{upc, "苹果", "", "kg", "¥1,234.56", "¥1,200.00", "是", "0.356", "停售"},
	}
	shown, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantShown, shown); diff != "" {
		t.Errorf("cells as shown mismatch (-want +got):\n%s", diff)
	}
	if v, _ := f.GetCellValue(sheet, "E3", excelize.Options{RawCellValue: true}); v != "1234.56" {
		t.Errorf("E3 holds %q, want the number 1234.56", v)
	}
	for cell, want := range map[string]excelize.CellType{"A3": excelize.CellTypeInlineString, "E2": excelize.CellTypeUnset, "H3": excelize.CellTypeUnset} {
		if got, _ := f.GetCellType(sheet, cell); got != want {
			t.Errorf("type of %s = %v, want %v", cell, got, want)
		}
	}
	checkSheetSetup(t, f, sheet, "$A$1:$I$3")
}

// checkSheetSetup checks the frozen header, the filter over ref and the
// width of the name column.
func checkSheetSetup(t *testing.T, f *excelize.File, sheet, ref string) {
	t.Helper()
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, %v; want the header row frozen", panes, err)
	}
	var filter string
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			filter = d.RefersTo
		}
	}
	if want := "'" + sheet + "'!" + ref; filter != want {
		t.Errorf("autofilter covers %q, want %q", filter, want)
	}
	if w, _ := f.GetColWidth(sheet, "B"); w < 20 {
		t.Errorf("name column width = %v, want a wide column", w)
	}
}

func exported(t *testing.T, ps []pos.Product, lang string) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := ExportProductsXLSX(&buf, ps, lang); err != nil {
		t.Fatalf("ExportProductsXLSX() error: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("reopen export: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func TestTemplate(t *testing.T) {
	for lang, want := range map[string][]string{
		"zh": {"商品", "说明", "条码", "是否必填", "可口可乐 330ml"},
		"en": {"Products", "Help", "barcode", "Required", "Coca-Cola 330ml"},
	} {
		t.Run(lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTemplateXLSX(&buf, lang); err != nil {
				t.Fatalf("WriteTemplateXLSX() error: %v", err)
			}
			data := buf.Bytes()
			ps, err := ImportProducts(bytes.NewReader(data), "xlsx")
			if err != nil || len(ps) != 2 {
				t.Fatalf("ImportProducts(template) = %d products, %v; want its 2 examples", len(ps), err)
			}
			if ps[1].Barcode != "2110001000003" || !ps[1].ByWeight || ps[1].MemberPrice != 1080 {
				t.Errorf("second example = %+v, want the weighed apples", ps[1])
			}
			f, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.GetSheetList(); !cmp.Equal(got, want[:2]) {
				t.Errorf("sheets = %v, want %v", got, want[:2])
			}
			checkSheetSetup(t, f, want[0], "$A$1:$I$3")
			help, _ := f.GetRows(want[1])
			text := fmt.Sprint(help)
			for _, s := range want[2:4] {
				if !strings.Contains(text, s) {
					t.Errorf("help sheet does not mention %q", s)
				}
			}
			if len(help) != 5+int(numCols) {
				t.Errorf("help sheet has %d rows, want 4 notes, a header and %d columns", len(help), numCols)
			}
			if ps[0].Name != want[4] {
				t.Errorf("first example is %q, want %q", ps[0].Name, want[4])
			}
		})
	}
}

// TestImportXLSXCells covers what Excel itself stores: numbers with float
// noise, barcodes typed as numbers, booleans, a renamed sheet with a gap
// row, and prices typed as text.
func TestImportXLSXCells(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "我的商品"
	must(t, f.SetSheetName("Sheet1", sheet))
	must(t, f.SetSheetRow(sheet, "A1", &[]any{"名称", "条码", "单位", "分类", "售价", "会员价", "称重", "库存"}))
	must(t, f.SetSheetRow(sheet, "A2", &[]any{"可口可乐 330ml", "", "罐", "饮料", nil, "", false, 24}))
	must(t, f.SetCellFloat(sheet, "E2", 3.5, -1, 64))
	must(t, f.SetCellDefault(sheet, "B2", "6.901234567892E+12")) // a barcode typed into a General cell
	must(t, f.SetSheetRow(sheet, "A4", &[]any{"苹果", "2110001000003", "kg", "生鲜果蔬", nil, nil, true, nil}))
	must(t, f.SetCellFloat(sheet, "E4", 8.2, 17, 64))  // stored as 8.1999999999999993
	must(t, f.SetCellFloat(sheet, "F4", 7.38, 17, 64)) // 7.3799999999999999
	must(t, f.SetCellFloat(sheet, "H4", 0.356, 17, 64))
	must(t, f.SetSheetRow(sheet, "A5", &[]any{"雪碧 500ml", sprite, "瓶", "饮料", "12.345"}))
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	_, err := ImportProducts(&buf, "xlsx")
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("ImportProducts() error = %v, want an *ImportError for row 5", err)
	}
	if diff := cmp.Diff([]RowError{{5, "售价", "售价格式错误：应为数字，最多两位小数，如 12.50"}}, ie.Rows); diff != "" {
		t.Fatalf("ImportError.Rows mismatch (-want +got):\n%s", diff)
	}

	must(t, f.SetCellStr(sheet, "E5", "3.50"))
	buf.Reset()
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := ImportProducts(&buf, "xlsx")
	if err != nil {
		t.Fatalf("ImportProducts() error: %v", err)
	}
	want := []pos.Product{cokeProduct,
		{Barcode: "2110001000003", Name: "苹果", Category: "生鲜果蔬", Unit: "kg", Price: 820, MemberPrice: 738,
			ByWeight: true, Stock: 356, Active: true},
		{Barcode: sprite, Name: "雪碧 500ml", Category: "饮料", Unit: "瓶", Price: 350, Active: true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ImportProducts() mismatch (-want +got):\n%s", diff)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// FuzzImportCSV: no input panics; every import that succeeds holds valid
// products with unique barcodes; every failure says where and why.
func FuzzImportCSV(f *testing.F) {
	for _, tc := range goodCSV {
		f.Add(tc.in)
	}
	for _, tc := range badCSV {
		f.Add(tc.in)
	}
	f.Add(assets.DemoProductsCSV[:2000])
	if gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(assets.DemoProductsCSV[:2000]); err == nil {
		f.Add(gbk)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		ps, err := ImportProducts(bytes.NewReader(in), "csv")
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Rows) == 0 || ps != nil {
				t.Fatalf("ImportProducts() = %d products, %v; want none and an *ImportError", len(ps), err)
			}
			for _, r := range ie.Rows {
				if r.Row < 0 || r.Reason == "" {
					t.Fatalf("RowError %+v has no place or no reason", r)
				}
			}
			return
		}
		seen := map[string]bool{}
		for _, p := range ps {
			if err := p.Validate(); err != nil {
				t.Fatalf("imported product does not validate: %v", err)
			}
			if seen[p.Barcode] {
				t.Fatalf("barcode %s imported twice", p.Barcode)
			}
			seen[p.Barcode] = true
		}
	})
}

// products100k makes a catalogue of 100,000 products, a tenth weighed.
func products100k() []pos.Product {
	ps := make([]pos.Product, 100_000)
	for i := range ps {
		ps[i] = pos.Product{Barcode: fmt.Sprintf("ZG%06d", i), Name: fmt.Sprintf("测试商品 %d 号 500ml", i),
			Category: "饮料", Unit: "瓶", Price: money.Fen(100 + i%5000), Stock: pos.Qty(i%1000) * pos.OnePiece,
			Active: i%50 != 0}
		if i%10 == 0 {
			ps[i].Unit, ps[i].ByWeight, ps[i].Stock, ps[i].MemberPrice = "kg", true, pos.Qty(i%100_000), ps[i].Price-1
		}
	}
	return ps
}

func BenchmarkExportProducts100k(b *testing.B) {
	ps := products100k()
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := ExportProductsXLSX(&buf, ps, "zh"); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1e6, "MB/file")
}

func BenchmarkImportProductsXLSX100k(b *testing.B) {
	var buf bytes.Buffer
	if err := ExportProductsXLSX(&buf, products100k(), "zh"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ps, err := ImportProducts(bytes.NewReader(buf.Bytes()), "xlsx")
		if err != nil || len(ps) != 100_000 {
			b.Fatalf("ImportProducts() = %d products, %v", len(ps), err)
		}
	}
}
