// Package assets holds the files the till carries inside its binary: the CJK
// font, the app icon and the demo shop's catalogue, embedded with go:embed.
// It holds data and tiny accessors only, and imports nothing of the project:
// parsing the demo catalogue is reports.ImportProducts' job.
package assets

import (
	_ "embed" // go:embed
)

// FontCJK is the TrueType font that draws Chinese text: Fyne's own font has
// no CJK glyphs, and a machine without CJK system fonts would show "�"
// (SETUP-NOTES.md). It is a plain .ttf on purpose: Fyne refuses .ttc
// collections. Latin text still comes from Fyne's font.
//
//go:embed fonts/DroidSansFallbackFull.ttf
var FontCJK []byte

// The font's name, file and licence, for the about box and the README.
const (
	FontCJKName    = "Droid Sans Fallback"
	FontCJKFile    = "DroidSansFallbackFull.ttf"
	FontCJKLicense = "Apache License 2.0; Copyright © 2006–2010 Google Corp.; " +
		"from Debian's fonts-droid-fallback (Android Open Source Project)"
)

// FontCJKLicenseText is the font's licence notice and the full Apache 2.0
// text, as shipped in assets/fonts/LICENSE-DroidSansFallback.txt.
//
//go:embed fonts/LICENSE-DroidSansFallback.txt
var FontCJKLicenseText string

// Icon is the app icon: a 256×256 RGBA PNG, white 掌 on firebrick (#B22222),
// drawn with FontCJK.
//
//go:embed icon.png
var Icon []byte

// DemoProductsCSV is the catalogue of the demo shop (演示小店) in the
// product import template's CSV form (UTF-8, no BOM; header 条码, 名称, 分类,
// 单位, 售价, 会员价, 称重, 库存, 状态): about 200 products of a Chinese
// convenience store, 25 of them sold by weight under the shop's own codes
// (21PPPPP00000C), the rest under EAN-13 codes with a 69 prefix, every check
// digit computed. Regenerate it with
//
//	go run ./assets/internal/gendemo -o assets/demo/products.csv
//
// Read it with reports.ImportProducts(bytes.NewReader(DemoProductsCSV), "csv").
//
//go:embed demo/products.csv
var DemoProductsCSV []byte

// The demo shop's name and the names of its first two staff members. They
// are display names, not accounts: app creates the staff (DemoStaff).
const (
	DemoShopName    = "演示小店"
	DemoOwnerName   = "店主"  // pos.RoleOwner
	DemoCashierName = "收银员" // pos.RoleCashier
)

// DemoStaff are the demo shop's staff, one of each working role, with
// known PINs that its login screen shows. Role is a pos.Role's key.
var DemoStaff = []struct{ Name, Role, PIN string }{
	{DemoOwnerName, "owner", "246810"},
	{"店长", "manager", "135791"},
	{DemoCashierName, "cashier", "112358"},
	{"会计", "accountant", "314159"},
}
