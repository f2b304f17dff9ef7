package ui

import (
	"errors"

	"zhanggui/hardware/printer"

	"zhanggui/pos"
)

// cashierMessage is the only place an error becomes words for the cashier.
// The caller has already logged err in full.
func cashierMessage(err error) string {
	if err == nil {
		return ""
	}
	for _, m := range sentinelMessages {
		if errors.Is(err, m.err) {
			return T(m.msg)
		}
	}
	switch pos.ErrorCode(err) {
	case pos.CodeInvalid:
		return T("Please check what was entered.")
	case pos.CodeNotFound:
		return T("Not found.")
	case pos.CodeUnavailable:
		return T("Device or network unavailable. Please try again.")
	case pos.CodeConflict:
		return T("This conflicts with an earlier record. Call the owner.")
	default:
		return T("Internal error. The details are in the log.")
	}
}

var sentinelMessages = []struct {
	err error
	msg string
}{
	{pos.ErrUnknownItem, "Unknown item. Scan again or type the code."},
	{pos.ErrBadBarcode, "Barcode misread (bad check digit or characters). Scan again."},
	{pos.ErrOfflineCode, "Network down: payment codes need the network (single-use, cannot be charged later). Take cash."},
	{pos.ErrEmptyCart, "The sale is empty. Scan an item first."},
	{errNoSell, "You may not take payments at this till: a cashier logs in to sell (Ctrl+L)."},
	{pos.ErrCardWrittenOff, "This offline card payment was refused at upload and written off as a loss: there is nothing to refund."},
	{pos.ErrCardCapturePending, "This offline card payment is not confirmed by the bank yet: it cannot be refunded in cash until it is. Try again once the till is back online and has uploaded it."},
	{pos.ErrPaymentArrived, "A payment for this sale arrived just now: nothing was booked. Check what is still due and take only that."},
	{errSplitAmount, "An amount typed before F9 / F11 is the part that payment takes: more than 0, at most what is still due."},
	{pos.ErrOfflineLimits, "Offline card limits: whole numbers, none negative, and one payment not above the total."},
	{pos.ErrBadQty, "Quantity must be a positive number, at most 3 decimals."},
	{pos.ErrWholeQtyNeeded, "This item is sold by the piece: enter a whole number."},
	{pos.ErrBadDiscount, "Discount examples: 10% · 9折 · 5 (yuan)."},
	{pos.ErrBadPrice, "Price: an amount in yuan such as 12.50, more than 0 and at most 100 times the catalogue price. Nothing was changed."},
	{pos.ErrAmountTooLarge, "That would make the sale cost more than ¥1,000,000,000: check the price and the quantity. Nothing was changed."},
	{pos.ErrNoShift, "Open a shift first (Shift screen), then take payments. The cart is kept."},
	{pos.ErrUnderpaid, "The amount received is less than the amount due."},
	{pos.ErrNoLine, "Select a line first (Up/Down keys)."},
	{pos.ErrInactive, "This product is deactivated."},
	{pos.ErrDiskFull, "Disk full: this sale was not charged. Free some disk space and try again."},
}

// printerMessage tells the cashier what the printer needs.
func printerMessage(err error) string {
	if Language() == "zh" {
		return printer.ChineseMessage(err)
	}
	return "Printing failed: check the printer's power, paper and cable."
}
