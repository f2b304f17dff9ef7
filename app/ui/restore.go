package ui

import (
	"context"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
)

// RestoreDeps is what Settings → 从备份恢复… needs: the till's automatic
// backups and a way to restore one. The running till cannot swap its
// database, so a restore is staged and applied at the next start. A nil
// List hides the button.
type RestoreDeps struct {
	List    func() ([]BackupEntry, error)                // the good automatic backups, newest first
	Stage   func(ctx context.Context, path string) error // verify it and restore it at the next start
	Pending func() bool                                  // a restore waits for the next start
	Unstage func() error                                 // forget it
}

// BackupEntry is one automatic backup.
type BackupEntry struct {
	Path string
	At   time.Time // when it was made (UTC)
	Size int64     // bytes
}

// restoreDialog lists the backups; chosen is the one picked. Tests drive it.
type restoreDialog struct {
	s       *settingsScreen
	entries []BackupEntry
	choice  *widget.RadioGroup
	dlg     dialog.Dialog
	done    chan struct{} // closed when the staging the owner confirmed ended
}

// restoreButton is Settings' 从备份恢复…, hidden when the till has no
// backups folder to restore from.
func (s *settingsScreen) restoreButton() fyne.CanvasObject {
	b := widget.NewButton(T("Restore from backup…"), func() {
		s.app.gated(backupIntent(), func(pos.Staff) error { s.onRestore(); return nil })
	})
	if s.app.deps.Restore.List == nil {
		b.Hide()
	}
	return b
}

// onRestore shows the automatic backups to choose from.
func (s *settingsScreen) onRestore() *restoreDialog {
	d := s.app.deps.Restore
	entries, err := d.List()
	if err != nil {
		s.app.deps.Log.Warn("list backups", "err", err)
		s.tell(false, cashierMessage(err))
		return nil
	}
	if len(entries) == 0 {
		s.tell(false, T("No automatic backups yet: the till makes one at start and every few hours."))
		return nil
	}
	rd := &restoreDialog{s: s, entries: entries, done: make(chan struct{})}
	labels := make([]string, len(entries))
	for i, e := range entries { // numbered: two backups may share a second
		labels[i] = fmt.Sprintf("%d.  %s · %s", i+1, s.shopTime(e.At), sizeText(e.Size))
	}
	rd.choice = widget.NewRadioGroup(labels, nil)
	rd.choice.SetSelected(labels[0])
	note := widget.NewLabel(T("The till restores the chosen backup when it next starts; the current database is kept beside it. Sales made after the backup are not in it."))
	note.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(note, rd.pendingRow(), nil, nil, container.NewVScroll(rd.choice))
	rd.dlg = dialog.NewCustomConfirm(T("Restore from backup"), T("Restore at next start"), T("Cancel"), body,
		func(ok bool) {
			if ok {
				rd.stage()
			}
		}, s.app.win)
	rd.dlg.Resize(fyne.NewSize(640, 480))
	rd.dlg.Show()
	return rd
}

// pendingRow offers to forget a restore staged earlier.
func (rd *restoreDialog) pendingRow() fyne.CanvasObject {
	d := rd.s.app.deps.Restore
	if d.Pending == nil || !d.Pending() || d.Unstage == nil {
		return container.NewVBox()
	}
	var row *fyne.Container
	forget := widget.NewButton(T("Do not restore"), func() {
		if err := d.Unstage(); err != nil {
			rd.s.app.deps.Log.Warn("forget restore", "err", err)
			rd.s.tell(false, cashierMessage(err))
			return
		}
		row.Hide()
		rd.s.tell(true, T("The restore was cancelled; the till keeps its database."))
	})
	row = container.NewBorder(nil, nil, nil, forget, widget.NewLabel(T("A restore is already waiting for the next start.")))
	return row
}

// stage verifies and stages the chosen backup off the Fyne goroutine.
func (rd *restoreDialog) stage() {
	e := rd.entries[rd.selected()]
	rd.s.tell(true, T("Checking the backup…"))
	go func() {
		defer close(rd.done)
		err := rd.s.app.deps.Restore.Stage(rd.s.app.actx(), e.Path)
		fyne.DoAndWait(func() {
			if err != nil {
				rd.s.app.deps.Log.Warn("stage restore", "path", e.Path, "err", err)
				rd.s.tell(false, T("The backup cannot be restored: ")+cashierMessage(err))
				return
			}
			rd.s.tell(true, Tf("The backup of %s will be restored when the till next starts. Close and reopen the till.",
				rd.s.shopTime(e.At)))
		})
	}()
}

func (rd *restoreDialog) selected() int {
	return max(slices.Index(rd.choice.Options, rd.choice.Selected), 0)
}

// tell shows a result under the settings.
func (s *settingsScreen) tell(ok bool, text string) {
	s.msg.Importance = widget.DangerImportance
	if ok {
		s.msg.Importance = widget.SuccessImportance
	}
	s.msg.SetText(text)
}

func (s *settingsScreen) shopTime(t time.Time) string {
	return t.In(s.app.settings.Location()).Format("2006-01-02 15:04:05")
}

func sizeText(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
