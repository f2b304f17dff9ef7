package ui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
)

// The F11 chooser's wallets: Alipay and WeChat Pay always, the acquirer's
// UnionPay QR (云闪付 and bank apps) when that channel is set up. Keys 1, 2
// and 3 pick as the buttons do.

// qrWalletNames are the chooser's button labels.
var qrWalletNames = map[pos.Provider]string{
	pos.Alipay: "Alipay", pos.Wechat: "WeChat Pay", pos.UnionPay: "UnionPay QuickPass",
}

// qrWallets are the wallets whose dynamic QR the till can show, in key
// order.
func (s *checkoutScreen) qrWallets() []pos.Provider {
	ws := []pos.Provider{pos.Alipay, pos.Wechat}
	if s.app.hasChannel(pos.UnionPay) {
		ws = append(ws, pos.UnionPay)
	}
	return ws
}

// hasChannel says whether payments of p can be taken: the channel is
// probed for the link line (every configured channel is), or the demo
// phone has its wallet (the simulator's channels).
func (a *App) hasChannel(p pos.Provider) bool {
	if slices.Contains(a.deps.LinkProviders, p) {
		return true
	}
	return a.deps.Phone != nil && slices.Contains(a.deps.Phone.Providers(), p)
}

// qrWalletButtons are the chooser's buttons, numbered for their keys.
func qrWalletButtons(ws []pos.Provider, pick func(pos.Provider)) []*widget.Button {
	bs := make([]*widget.Button, len(ws))
	for i, p := range ws {
		bs[i] = widget.NewButton(fmt.Sprintf("%d  %s", i+1, T(qrWalletNames[p])), func() { pick(p) })
	}
	return bs
}

// pickByKey lets keys 1…n pick a wallet while dlg is up. The dialog holds
// the keyboard (the scan field does not see keys behind it), so the
// window's rune handler is borrowed and given back when dlg closes.
func (s *checkoutScreen) pickByKey(dlg dialog.Dialog, ws []pos.Provider, pick func(pos.Provider)) {
	c := s.app.win.Canvas()
	old := c.OnTypedRune()
	c.SetOnTypedRune(func(r rune) {
		if i := int(r - '1'); i >= 0 && i < len(ws) {
			pick(ws[i])
			return
		}
		if old != nil {
			old(r)
		}
	})
	dlg.SetOnClosed(func() { c.SetOnTypedRune(old) })
}

// qrHeadline is what the customer display says while p's QR is up.
func qrHeadline(p pos.Provider) string {
	if p == pos.UnionPay {
		return T("Scan with UnionPay QuickPass to pay")
	}
	return Tf("Scan with %s to pay", T(tenderNames[p.TenderKind()]))
}
