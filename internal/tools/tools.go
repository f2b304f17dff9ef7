//go:build tools

// Package tools pins the modules the project uses so that go.mod and go.sum
// hold them before every package that imports them exists.
package tools

import (
	_ "fyne.io/fyne/v2/app"
	_ "fyne.io/fyne/v2/test"
	_ "fyne.io/fyne/v2/widget"
	_ "github.com/ebfe/scard"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/google/uuid"
	_ "github.com/makiuchi-d/gozxing/qrcode"
	_ "github.com/mattn/go-sqlite3"
	_ "github.com/mozillazg/go-pinyin"
	_ "github.com/skip2/go-qrcode"
	_ "github.com/smartwalle/alipay/v3"
	_ "github.com/wechatpay-apiv3/wechatpay-go/core"
	_ "github.com/xuri/excelize/v2"
	_ "golang.org/x/text/encoding/simplifiedchinese"
)
