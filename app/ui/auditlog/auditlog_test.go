package auditlog

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"zhanggui/app/ui/kit"
	"zhanggui/app/ui/kit/kittest"
	"zhanggui/pos"
	"zhanggui/storage"
)

func TestTranslations(t *testing.T) {
	kittest.CheckTranslations(t, ".", append(kindExtras(), breakReasons...)...)
}

var shanghai = time.FixedZone("CST", 8*3600)

// screenOn builds the screen over a real database holding a few events.
func screenOn(t *testing.T) (*Screen, *storage.DB) {
	t.Helper()
	test.NewTempApp(t)
	kit.SetLanguage("en")
	t.Cleanup(func() { kit.SetLanguage("zh") })
	db, err := storage.Open(filepath.Join(t.TempDir(), "zhanggui.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	day := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC) // 10:00 in Shanghai
	clock := day
	db.Now = func() time.Time { clock = clock.Add(time.Hour); return clock }
	for _, e := range []struct {
		who  string
		kind pos.AuditKind
	}{{"店主", pos.AuditLogin}, {"李收银", pos.AuditDrawerOpen}, {"李收银", pos.AuditReprint}, {"店主", pos.AuditLock}} {
		if _, err := db.AppendAudit(context.Background(), pos.AuditEvent{Actor: e.who, Kind: e.kind}); err != nil {
			t.Fatal(err)
		}
	}
	s := New(Deps{
		Events:   db.AuditEvents,
		Verify:   func(ctx context.Context) (pos.AuditVerification, error) { return db.VerifyAudit(ctx, 1) },
		Location: func() *time.Location { return shanghai },
	})
	test.NewTempWindow(t, s.Content)
	return s, db
}

// wait runs act and waits for the load or verify it starts to end.
func wait(t *testing.T, s *Screen, act func()) {
	t.Helper()
	done := s.Done()
	act()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the screen did not finish")
	}
}

func TestFilters(t *testing.T) {
	s, _ := screenOn(t)
	wait(t, s, s.Reload)
	if len(s.events) != 4 || s.events[0].Seq != 4 {
		t.Fatalf("all events, newest first: %v", s.events)
	}
	test.Type(s.who, "李")
	wait(t, s, s.Reload)
	if len(s.events) != 2 || !strings.Contains(s.line(s.events[0]), "Reprint") {
		t.Errorf("who 李: %v", s.events)
	}
	s.who.SetText("")
	s.what.SetSelected("Drawer opened")
	wait(t, s, s.Reload)
	if len(s.events) != 1 || s.events[0].Kind != pos.AuditDrawerOpen {
		t.Errorf("what 开钱箱: %v", s.events)
	}
	s.what.SetSelectedIndex(0)
	s.from.SetText("2026-12-08")
	wait(t, s, s.Reload)
	if len(s.events) != 0 || s.msg.Text != "No events match." {
		t.Errorf("from the next day: %v %q", s.events, s.msg.Text)
	}
	s.from.SetText("2026-12-07")
	s.to.SetText("2026-12-07")
	wait(t, s, s.Reload)
	if len(s.events) != 4 || !strings.Contains(s.line(s.events[3]), "2026-12-07 11:00:00") {
		t.Errorf("that day, in the shop's time: %v", s.events)
	}
}

func TestBadDateChangesNothing(t *testing.T) {
	s, _ := screenOn(t)
	wait(t, s, s.Reload)
	s.from.SetText("7/12/2026")
	wait(t, s, s.Reload)
	if len(s.events) != 4 || !strings.Contains(s.msg.Text, "is not a date") {
		t.Errorf("a bad date: %d events, %q", len(s.events), s.msg.Text)
	}
	s.from.SetText("2026-12-09")
	s.to.SetText("2026-12-07")
	wait(t, s, s.Reload)
	if len(s.events) != 4 || s.msg.Text != "The From day is after the To day." {
		t.Errorf("from after to: %d events, %q", len(s.events), s.msg.Text)
	}
}

func TestVerifyButton(t *testing.T) {
	s, db := screenOn(t)
	wait(t, s, func() { test.Tap(s.verifyB) })
	if !strings.HasPrefix(s.result.Text, "The chain is whole: 4 events") {
		t.Errorf("whole: %q", s.result.Text)
	}
	raw, err := sql.Open("sqlite3", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`DROP TRIGGER audit_events_no_update`, `UPDATE audit_events SET actor = '店主' WHERE seq = 3`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	wait(t, s, func() { test.Tap(s.verifyB) })
	if !strings.HasPrefix(s.result.Text, "BROKEN at event #3") || s.verifyB.Disabled() {
		t.Errorf("edited seq 3: %q", s.result.Text)
	}
	v, err := db.VerifyAudit(context.Background(), 1) // the store's own words are known here
	kit.SetLanguage("zh")
	if err != nil || v.Break == nil || reasonText(v.Break.Reason) == v.Break.Reason {
		t.Errorf("the reason %+v (%v) has no Chinese", v.Break, err)
	}
}

// The reasons verify gives are said in Chinese on a Chinese till; one
// this screen does not know is shown as given.
func TestBreakReasonsInChinese(t *testing.T) {
	kit.SetLanguage("zh")
	defer kit.SetLanguage("en")
	if got := reasonText("its content does not match its hash (changed after writing)"); got != "内容与哈希不符（写入后被改动过）" {
		t.Errorf("content: %q", got)
	}
	if got := reasonText("missing: the next event is seq 7"); got != "缺失：下一条事件的序号是 7" {
		t.Errorf("missing: %q", got)
	}
	if got := reasonText("something new"); got != "something new" {
		t.Errorf("unknown: %q", got)
	}
}
