package staff

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// editRoles are the columns of the table: the owner may do everything.
var editRoles = []pos.Role{pos.RoleManager, pos.RoleCashier, pos.RoleAccountant, pos.RoleTrainee}

// PermissionEditor edits the permission table: a grant per action and
// role (allow / with approval / deny) and the limits. Saving writes an
// audit event for each changed cell, old → new.
type PermissionEditor struct {
	d     Deps
	who   func() pos.Staff
	cells map[pos.Action]map[pos.Role]*widget.Select
	limit struct {
		discount, refundMax, refundDays, recount, idle *widget.Entry
	}
	msg     *widget.Label
	content fyne.CanvasObject
}

// NewPermissionEditor builds the editor.
func NewPermissionEditor(d Deps, who func() pos.Staff) *PermissionEditor {
	p := &PermissionEditor{d: d, who: who, cells: map[pos.Action]map[pos.Role]*widget.Select{}, msg: widget.NewLabel("")}
	p.msg.Wrapping = fyne.TextWrapWord
	grid := container.NewGridWithColumns(len(editRoles) + 1)
	grid.Add(widget.NewLabelWithStyle(T("Action"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, r := range editRoles {
		grid.Add(widget.NewLabelWithStyle(RoleName(r), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	grants := []string{GrantName(pos.Allow), GrantName(pos.Approve), GrantName(pos.Deny)}
	for _, act := range pos.Actions {
		grid.Add(widget.NewLabel(ActionName(act)))
		p.cells[act] = map[pos.Role]*widget.Select{}
		for _, r := range editRoles {
			s := widget.NewSelect(grants, nil)
			p.cells[act][r] = s
			grid.Add(s)
		}
	}
	l := &p.limit
	l.discount, l.refundMax, l.refundDays = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	l.recount, l.idle = widget.NewEntry(), widget.NewEntry()
	limits := widget.NewForm(
		widget.NewFormItem(T("Free discount up to (%)"), l.discount),
		widget.NewFormItem(T("Refund without approval up to (¥)"), l.refundMax),
		widget.NewFormItem(T("Refund of sales up to this many days old"), l.refundDays),
		widget.NewFormItem(T("Recount when the drawer is off by more than (¥)"), l.recount),
		widget.NewFormItem(T("Lock the till after idle minutes (0: never)"), l.idle))
	save := widget.NewButton(T("Save the permission table"), p.Save)
	note := widget.NewLabel(T("The owner may do everything. With approval: a manager or the owner approves on this till or from afar."))
	note.Wrapping = fyne.TextWrapWord
	p.content = container.NewBorder(container.NewVBox(note, limits), container.NewVBox(save, p.msg), nil, nil,
		container.NewVScroll(grid))
	return p
}

// Content is the editor.
func (p *PermissionEditor) Content() fyne.CanvasObject { return p.content }

// Reload shows the stored table.
func (p *PermissionEditor) Reload() {
	t, err := p.d.Service.Permissions(context.Background())
	if err != nil {
		p.msg.SetText(Message(err, p.d.now()))
		return
	}
	for act, row := range p.cells {
		for r, s := range row {
			s.SetSelected(GrantName(t.Grant(r, act)))
		}
	}
	l := &p.limit
	l.discount.SetText(strconv.FormatFloat(float64(t.Limits.FreeDiscountBP)/100, 'f', -1, 64))
	l.refundMax.SetText(t.Limits.RefundMax.String())
	l.refundDays.SetText(strconv.Itoa(t.Limits.RefundDays))
	l.recount.SetText(t.Limits.RecountOver.String())
	l.idle.SetText(strconv.Itoa(t.Limits.IdleLockMin))
	p.msg.SetText("")
}

// Set picks a grant in the table, as a person would.
func (p *PermissionEditor) Set(act pos.Action, r pos.Role, g pos.Grant) {
	p.cells[act][r].SetSelected(GrantName(g))
}

// SetIdleMinutes types the idle lock minutes.
func (p *PermissionEditor) SetIdleMinutes(s string) { p.limit.idle.SetText(s) }

// Message is what the editor says now.
func (p *PermissionEditor) Message() string { return p.msg.Text }

// Save stores the table as shown.
func (p *PermissionEditor) Save() {
	t, err := p.read()
	if err != nil {
		p.msg.SetText(Message(err, p.d.now()))
		return
	}
	if err := p.d.Service.SavePermissions(context.Background(), p.who(), t); err != nil {
		p.msg.SetText(Message(err, p.d.now()))
		return
	}
	p.Reload()
	p.msg.SetText(T("Permission table saved"))
}

func (p *PermissionEditor) read() (pos.Permissions, error) {
	t := pos.DefaultPermissions()
	for act, row := range p.cells {
		for r, s := range row {
			t.Grants[act][r] = grantOf(s.Selected)
		}
	}
	l := &p.limit
	pct, err1 := strconv.ParseFloat(strings.TrimSpace(l.discount.Text), 64)
	refund, err2 := money.Parse(strings.TrimSpace(l.refundMax.Text))
	days, err3 := strconv.Atoi(strings.TrimSpace(l.refundDays.Text))
	recount, err4 := money.Parse(strings.TrimSpace(l.recount.Text))
	idle, err5 := strconv.Atoi(strings.TrimSpace(l.idle.Text))
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			return t, pos.ErrBadLimits
		}
	}
	if pct < 0 || pct > 100 {
		return t, pos.ErrBadLimits
	}
	t.Limits = pos.Limits{FreeDiscountBP: int64(pct*100 + 0.5), RefundMax: refund, RefundDays: days,
		RecountOver: recount, IdleLockMin: idle}
	return t, nil
}

// GrantName is a grant as the screens say it.
func GrantName(g pos.Grant) string {
	switch g {
	case pos.Allow:
		return T("Allowed")
	case pos.Approve:
		return T("With approval")
	}
	return T("Denied")
}

func grantOf(name string) pos.Grant {
	for _, g := range []pos.Grant{pos.Allow, pos.Approve} {
		if GrantName(g) == name {
			return g
		}
	}
	return pos.Deny
}

// ActionName is a gated action as the screens say it.
func ActionName(a pos.Action) string {
	if s, ok := actionNames[a]; ok {
		return T(s)
	}
	return string(a)
}

var actionNames = map[pos.Action]string{
	pos.ActSell: "Sell", pos.ActDiscount: "Discount above the free limit", pos.ActPriceOverride: "Change a price",
	pos.ActLineDelete: "Delete a line", pos.ActSaleCancel: "Cancel a sale", pos.ActRefund: "Refund (today, same tender)",
	pos.ActRefundLarge: "Refund above the limit", pos.ActRefundOld: "Refund an older sale",
	pos.ActRefundNoReceipt: "Refund without receipt", pos.ActRefundOther: "Refund to another tender",
	pos.ActResolvePayment: "Settle a pending payment by hand", pos.ActDrawerOpen: "Open the drawer without a sale",
	pos.ActPaidIn: "Paid in", pos.ActPaidOut: "Paid out", pos.ActReprint: "Reprint a receipt",
	pos.ActXReport: "X report", pos.ActShiftClose: "Close a shift", pos.ActSeeExpectedCash: "See the expected cash",
	pos.ActZReport: "Z report (day end)", pos.ActReports: "Sales reports and reconciliation",
	pos.ActCatalogue: "Edit the catalogue and prices", pos.ActChannelKeys: "Payment channel keys",
	pos.ActStaff: "Staff and permissions", pos.ActSettings: "Settings and devices", pos.ActBackup: "Backup and restore",
	pos.ActAuditExport: "Export the audit log", pos.ActAuditView: "View and verify the audit log",
	pos.ActStartTraining: "Start training mode", pos.ActResetLockout: "Unlock a locked-out member",
}
