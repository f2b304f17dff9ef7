// Package printer turns a receipt into ESC/POS bytes and sends them to a
// thermal receipt printer.
//
// It has three layers, each usable alone:
//
//   - Doc, Encode and EncodeText: a receipt as plain data, laid out once for
//     58 mm or 80 mm paper and rendered either as ESC/POS bytes (GB18030
//     text in Chinese mode) or as plain text for the on-screen preview. Both
//     come from the same layout, so the preview cannot disagree with paper.
//   - Printer sinks: TCP (port 9100, with DLE EOT status), Device
//     (/dev/usb/lp0) and File, chosen by Open from a Config.
//   - Queue: a worker that prints jobs in order without ever blocking the
//     till, retries a bounded number of times and reports every outcome.
//
// Errors are written for the log in English; ChineseMessage gives the
// cashier's words. The package imports nothing else of the project: the
// application turns its own receipt type into a Doc. Test support lives in
// printertest (a loopback printer) and escpostest (a decoder of the bytes).
package printer
