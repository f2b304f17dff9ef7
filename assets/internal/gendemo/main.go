// Command gendemo writes assets/demo/products.csv, the catalogue of the demo
// shop (演示小店), computing every barcode's GS1 check digit so that none is
// typed by hand. Run it from the module root after editing the table:
//
//	go run ./assets/internal/gendemo -o assets/demo/products.csv
//
// The test in this directory fails when the committed file and the table
// disagree.
package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"

	"zhanggui/pos"
)

func main() {
	out := flag.String("o", "", "write the CSV to this file instead of standard output")
	flag.Parse()
	b, err := generate()
	if err == nil {
		err = write(*out, b)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendemo:", err)
		os.Exit(1)
	}
}

func write(path string, b []byte) error {
	if path == "" {
		_, err := os.Stdout.Write(b)
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// header is the import template's header (reports.ImportProducts).
var header = []string{"条码", "名称", "分类", "单位", "售价", "会员价", "称重", "库存", "状态"}

// generate renders the table as CSV and checks that barcodes are unique.
func generate() ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return nil, err
	}
	seen := make(map[string]string, len(demo))
	plu := 0
	for _, it := range demo {
		code := it.code
		if it.unit == "kg" {
			plu++
			code = weighedCode(plu)
		} else if code == "" {
			code = retailCode(it.name)
		}
		if other, dup := seen[code]; dup {
			return nil, fmt.Errorf("barcode %s of %s is also %s's", code, it.name, other)
		}
		seen[code] = it.name
		if err := w.Write(it.record(code)); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// retailCode makes an EAN-13 with a Chinese GS1 prefix (690–699) from a
// hash of the name, so that a product keeps its code when the table is
// reordered.
func retailCode(name string) string {
	h := fnv.New64a()
	_, _ = io.WriteString(h, name) // a hash.Hash never returns an error
	body := fmt.Sprintf("69%010d", h.Sum64()%10_000_000_000)
	return body + string('0'+pos.CheckDigit(body))
}

// weighedCode makes the shop's own 13-digit code for a product sold by
// weight: "21", a five-digit PLU from 10001 and five zeros (where a label
// scale puts the price), then the check digit.
func weighedCode(plu int) string {
	body := fmt.Sprintf("21%05d00000", 10000+plu)
	return body + string('0'+pos.CheckDigit(body))
}

// item is one row of the table. Products with unit "kg" are sold by weight.
type item struct {
	code     string // empty: computed
	name     string
	cat      string
	unit     string
	price    string // yuan
	member   string // yuan; empty: no member price
	stock    string
	inactive bool
}

func (it item) record(code string) []string {
	weighed, state := "否", "在售"
	if it.unit == "kg" {
		weighed = "是"
	}
	if it.inactive {
		state = "停售"
	}
	return []string{code, it.name, it.cat, it.unit, it.price, it.member, weighed, it.stock, state}
}
