package ui

import (
	"path/filepath"

	"zhanggui/pos"
)

// auditExport records that who is at the till exported what (the
// products, a sales report, a reconciliation workbook) to path, once the
// file is written: data leaving the till is audited (pos.AuditExport).
func (a *App) auditExport(what, path string, data map[string]any) {
	if a.deps.AppendAudit == nil {
		return
	}
	d := map[string]any{"what": what, "file": filepath.Base(path)}
	for k, v := range data {
		d[k] = v
	}
	ev := pos.AuditEvent{Till: a.settings.StoreCode + "-" + a.settings.TillCode, Actor: a.cashier.Name,
		Kind: pos.AuditExport, Subject: "export:" + what, Data: pos.AuditData(d)}
	if _, err := a.deps.AppendAudit(a.actx(), ev); err != nil {
		a.deps.Log.Error("audit export", "what", what, "err", err)
	}
}
