// Package settlement reads the providers' settlement bills (对账单) and
// matches them against what the till recorded: the accountant's morning job.
//
// It has two halves, both pure (bytes and slices in, values out; no
// database, no network, no files):
//
//   - Parsers, by header name, for the Alipay trade bill (a zip of GBK CSV
//     files, the 25-column layout and newer ones with more columns;
//     PROTOCOLS.md §1.8), the WeChat Pay trade bill (UTF-8 CSV with
//     backtick-prefixed cells and summary rows, gzip or not; §2.5) and the
//     acquirer's bill for UnionPay QR, e-CNY and cards (acquirer.go; our own
//     format, since the simulator's acquirer serves no bill). Each returns
//     Rows in integer fen, parsed from the yuan text exactly, and turns a
//     malformed file into a *BillError listing every bad line as a
//     *LineError.
//   - Reconcile, which matches one channel's bill rows of a Beijing-time day
//     against the till's payments, refunds and sales by out_trade_no and
//     out_refund_no, looks at the adjacent days before calling anything
//     missing, and classifies every transaction (Status): matched, across
//     midnight, amount or fee mismatch, only at the provider (urgent), only
//     in the till, refund differences.
//
// Fetching bills, reading the till's records, storing results and writing
// the workbook belong to sync/settlement/reconcile, which wires this package
// to storage and reports.
//
// Money is money.Fen everywhere; a yuan string becomes fen through
// money.Parse, never a float. Times are in Beijing time (the providers'
// day boundary), whatever the shop's own time zone.
package settlement
