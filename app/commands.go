package app

import (
	"flag"
	"path/filepath"

	"zhanggui/hardware/nfc/pcsc"
	"zhanggui/hardware/qr"
	"zhanggui/sync/providersim"
	"zhanggui/sync/settlement/reconcile"
)

// commands is the command table: `zhanggui help` lists it in this order. A
// new command is one more entry; its help (help.go) needs nothing else.
func commands() []command {
	return []command{
		guiCommand, importProductsCommand, exportProductsCommand, backupCommand, restoreCommand,
		reconcileCommand, reportCommand, billsCommand, resolveCommand,
		decodeCommand, cardReadCommand, simCommand, versionCommand, helpCommand,
	}
}

var guiCommand = command{
	name: "gui", summary: "open the till (the default)",
	about: "Opens the till's window. A data directory with no shop in it opens the demo shop\n" +
		"(演示小店): about 200 products, staff 店主 and 收银员, and the built-in payment simulator.\n" +
		"The log is zhanggui.log in the data directory.",
	example: "zhanggui\nzhanggui --data-dir /srv/zhanggui",
	exits:   []string{"0  the window was closed", "1  the database or the window could not be opened", "2  bad usage"},
	run:     runGUI,
}

var importProductsCommand = command{
	name: "import-products", summary: "import products from .xlsx or .csv (all rows or none)",
	usage: "FILE.xlsx|FILE.csv",
	about: "Adds or updates the products of a workbook or a CSV file (UTF-8 or GBK) with the columns\n" +
		"of the products screen's template (条码, 名称, 分类, 单位, 售价, ...). A file with a bad row\n" +
		"imports nothing and lists every bad row with its number and the reason.",
	example: "zhanggui import-products products.xlsx",
	exits:   []string{"0  every row imported", "1  nothing imported; the bad rows are listed on stderr", "2  bad usage"},
	run:     runImportProducts,
}

var exportProductsCommand = command{
	name: "export-products", summary: "write the catalogue to .xlsx",
	usage:   "FILE.xlsx",
	about:   "Writes every product to a workbook in the shop's language; import-products reads it back.",
	example: "zhanggui export-products products.xlsx",
	run:     runExportProducts,
}

var backupCommand = command{
	name: "backup", summary: "write a verified copy of the database",
	usage: "DEST",
	about: "Writes a consistent copy of the database through SQLite's backup API, checked with\n" +
		"PRAGMA integrity_check, while the till may be running. DEST is a file, or a directory to\n" +
		"put zhanggui-YYYYMMDD-HHMMSS.db in. The key files secret.key and card.key are not in\n" +
		"the copy: back them up separately.",
	example: "zhanggui backup /media/usb/",
	run:     runBackup,
}

var restoreCommand = command{
	name: "restore", summary: "replace the database with a verified backup (till closed)",
	usage: "FILE",
	about: "Verifies the backup FILE, copies it next to the database and renames it into place; the\n" +
		"database it replaces is kept beside it. Close the till first. A file that is not a\n" +
		"healthy database, or one from a newer version, is refused and nothing changes.",
	example: "zhanggui restore /media/usb/zhanggui-20261125-210000.db",
	run:     runRestore,
}

var reconcileCommand = command{
	name: "reconcile", summary: "match the providers' bills with the ledger, write a workbook",
	usage: "--date YYYY-MM-DD [--to YYYY-MM-DD] [--out FILE.xlsx] [--lang zh|en]",
	about: "Downloads the daily bills the configured channels have and the till lacks, matches them\n" +
		"with the till's payments, refunds and ledger for each Beijing day from --date to --to,\n" +
		"prints each day's figures and open differences, and writes the workbook (汇总, 明细,\n" +
		"差异, 手续费, 现金) when --out is given.",
	example: "zhanggui reconcile --date 2026-11-25 --out 对账.xlsx",
	exits: []string{"0  no open difference",
		"1  failed, or bad usage (2 is taken: scripts act on it)",
		"2  differences remain, or a channel's bill is missing"},
	flags: reconcile.ReconcileFlags,
	run:   runReconcile,
}

var reportCommand = command{
	name: "report", summary: "the sales report of a day or range as a workbook",
	usage: "--date YYYY-MM-DD [--to YYYY-MM-DD] --out FILE.xlsx [--lang zh|en]",
	about: "Writes the sales of the days from --date to --to (both included, in the shop's time\n" +
		"zone) by hour, category, product, cashier and channel to a workbook, and prints the\n" +
		"totals.",
	example: "zhanggui report --date 2026-11-25 --to 2026-11-30 --out 销售.xlsx",
	flags:   func() *flag.FlagSet { return reportFlags(new(reportOptions)) },
	run:     runReport,
}

var billsCommand = command{
	name: "bills", summary: "import a provider's bill file downloaded by hand",
	usage: "import --provider alipay|wechat|acquirer [--date YYYY-MM-DD] FILE",
	about: "Stores a bill file from the provider's merchant site (Alipay's zip or CSV, WeChat Pay's\n" +
		"CSV, the acquirer's CSV), one bill per day it covers, for reconcile to use. A malformed\n" +
		"file is refused whole and every bad line listed.",
	example: "zhanggui bills import --provider wechat 微信支付账单20261125.csv",
	flags:   reconcile.BillsImportFlags,
	run:     runBills,
}

var resolveCommand = command{
	name: "resolve", summary: "mark a reconciliation difference resolved",
	usage: "--who NAME --note TEXT KEY",
	about: "Notes who resolved the difference KEY (as reconcile and the workbook's 差异 sheet print\n" +
		"it), when and why. Re-running reconcile keeps the note.",
	example: `zhanggui resolve --who 会计 --note "已退款" alipay:payment:0193f2a4c1d27e3a9b5c6d7e8f901234:only_till`,
	flags:   reconcile.ResolveFlags,
	run:     runResolve,
}

var decodeCommand = command{
	name: "decode", summary: "decode QR codes and barcodes in images",
	usage: "[--json] IMAGE...",
	about: "Prints, for each image, path, text, format, corner points and decoding time separated\n" +
		"by tabs, or with --json one object per line. Images with no code go to stderr.",
	example: "zhanggui decode --json frame.jpg receipt.png",
	exits:   []string{"0  every image decoded", "1  some image had no code or could not be read", "2  bad usage"},
	flags:   qr.DecodeFlags,
	run:     runDecode,
}

var cardReadCommand = command{
	name: "card-read", summary: "read a contactless card through PC/SC",
	usage: "[--json] [--reader NAME] [--timeout 30s]",
	about: "Waits for a card on any reader (or the one named), reads it as an EMV payment card or,\n" +
		"if it has no payment application, its UID, and prints the type, the masked card number\n" +
		"or the UID, the expiry and the label. It never prints a full card number.",
	example: "zhanggui card-read --json --timeout 10s",
	exits:   []string{"0  a card was read", "1  no reader, no card in time, an unreadable card or no pcscd", "2  bad usage"},
	flags:   pcsc.CardReadFlags,
	run:     runCardRead,
}

var simCommand = command{
	name: "sim", summary: "run the payment provider simulator on loopback",
	usage: "[--addr 127.0.0.1:PORT]",
	about: "Serves the simulator of Alipay, WeChat Pay, the acquirer and the demo customer phone with\n" +
		"the keys in the data directory's simulator folder, and prints where the credentials are,\n" +
		"so a trainer's till can be configured against it. Only loopback addresses: it has test\n" +
		"keys and no access control. Runs until Ctrl+C or SIGTERM.",
	example: "zhanggui sim --addr 127.0.0.1:8090",
	exits:   []string{"0  stopped by Ctrl+C or SIGTERM", "1  failed (e.g. the address is in use)", "2  bad usage or an address that is not loopback"},
	flags:   providersim.SimFlags,
	run:     runSim,
}

var versionCommand = command{
	name: "version", summary: "print the version",
	about: "Prints the version of this build.", example: "zhanggui version",
	exits: []string{"0  printed", "2  bad usage"},
	run:   runVersion,
}

// helpCommand's run refers to the table, which refers to it: it is set in init.
var helpCommand = command{
	name: "help", summary: "list the commands, or tell more about one",
	usage:   "[COMMAND]",
	about:   "Without a command, lists the commands; with one, prints its help (as COMMAND -h does).",
	example: "zhanggui help reconcile",
	exits:   []string{"0  printed", "2  no such command"},
}

func init() { helpCommand.run = runHelp }

func runDecode(e *env, args []string) int { return qr.RunDecodeCommand(args, e.stdout, e.stderr) }

func runCardRead(e *env, args []string) int { return pcsc.RunCardRead(args, e.stdout, e.stderr) }

// runSim serves the simulator with the keys the demo till uses (the data
// directory's simulator folder), so a till can be configured from them.
func runSim(e *env, args []string) int {
	args = append([]string{"--data-dir", filepath.Join(e.dataDir, "simulator")}, args...)
	return providersim.RunSimCommand(args, e.stdout, e.stderr)
}
