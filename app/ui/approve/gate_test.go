package approve

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/kit"
	"zhanggui/app/ui/kit/kittest"
	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

var (
	owner   = pos.Staff{ID: 1, Name: "店主", Role: pos.RoleOwner, Active: true}
	cashier = pos.Staff{ID: 2, Name: "收银员", Role: pos.RoleCashier, Active: true}
	manager = pos.Staff{ID: 3, Name: "店长", Role: pos.RoleManager, Active: true, TOTP: true}
)

var managerSecret = []byte("12345678901234567890")

// staffing is a true fake of the staff service: it checks PINs.
type staffing struct {
	staff []pos.Staff
	pins  map[int64]string
}

var errWrongPIN = pos.Errorf(pos.CodeInvalid, "wrong PIN")

func (f *staffing) Staff(context.Context) ([]pos.Staff, error) { return f.staff, nil }
func (f *staffing) CheckPIN(_ context.Context, id int64, pin string) (pos.Staff, error) {
	for _, s := range f.staff {
		if s.ID == id && f.pins[id] == pin {
			return s, nil
		}
	}
	return pos.Staff{}, errWrongPIN
}
func (f *staffing) TOTPSecret(_ context.Context, id int64) ([]byte, error) {
	if id == manager.ID {
		return managerSecret, nil
	}
	return nil, fmt.Errorf("no authenticator for %d", id)
}
func (f *staffing) Permissions(context.Context) (pos.Permissions, error) {
	return pos.DefaultPermissions(), nil
}

type fixture struct {
	db    *storage.DB
	gate  *Gate
	who   pos.Staff
	told  []string
	acted []pos.Staff
}

func newFixture(t *testing.T, who pos.Staff) *fixture {
	t.Helper()
	test.NewTempApp(t)
	kit.SetLanguage("zh")
	f := &fixture{db: storagetest.NewDB(t), who: who}
	n := 0
	f.gate = &Gate{
		Deps: Deps{Staff: &staffing{staff: []pos.Staff{owner, cashier, manager},
			pins: map[int64]string{1: "314159", 3: "271828"}}, Store: f.db, TillKey: []byte("till key"),
			Till:  func() string { return "01-01" },
			NewID: func() string { n++; return fmt.Sprintf("id-%d", n) },
			Now:   f.db.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))},
		Win:  test.NewTempWindow(t, widget.NewLabel("till")),
		Who:  func() pos.Staff { return f.who },
		Tell: func(msg string) { f.told = append(f.told, msg) },
	}
	return f
}

var drawer = Intent{Actions: []pos.Action{pos.ActDrawerOpen}, What: "开钱箱", Subject: "drawer", Audit: pos.AuditDrawerOpen}

func (f *fixture) open() {
	f.gate.Do(drawer, func(approver pos.Staff) error {
		f.acted = append(f.acted, approver)
		return nil
	})
}

func (f *fixture) events(t *testing.T) []pos.AuditEvent {
	t.Helper()
	var out []pos.AuditEvent
	if err := f.db.ScanAudit(context.Background(), 1, func(e pos.AuditEvent) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// A cashier needs approval for a drawer open: a wrong PIN is refused and
// does nothing; the manager's PIN approves, the drawer opens once, and the
// audit names who asked and who approved.
func TestCashierGetsApprovalByPIN(t *testing.T) {
	f := newFixture(t, cashier)
	f.open()
	s := f.gate.Sheet
	if s == nil || len(f.acted) != 0 {
		t.Fatalf("no sheet (told %q) or acted %v before approval", f.told, f.acted)
	}
	if len(s.Tiles) != 2 {
		t.Errorf("approver tiles = %d, want the owner and the manager", len(s.Tiles))
	}
	test.Tap(s.Tiles[1]) // 店长
	test.Type(s.PIN, "271828")
	test.Tap(s.ApprovePIN)
	if got, want := s.Msg.Text, "请先选择原因。"; got != want || len(f.acted) != 0 {
		t.Errorf("approve without a reason: msg %q, want %q; acted %v", got, want, f.acted)
	}
	s.Reason.SetSelectedIndex(4)
	test.Type(s.PIN, "000000")
	test.Tap(s.ApprovePIN)
	if s.Msg.Text == "" || len(f.acted) != 0 || f.gate.Sheet == nil {
		t.Fatalf("wrong PIN: msg %q, acted %v", s.Msg.Text, f.acted)
	}
	if s.PIN.Text != "" {
		t.Errorf("the wrong PIN stays in the field")
	}
	test.Type(s.PIN, "271828")
	test.Tap(s.ApprovePIN)
	if len(f.acted) != 1 || f.acted[0].Name != "店长" || f.gate.Sheet != nil {
		t.Fatalf("after the manager's PIN: acted %v, sheet %v, msg %q", f.acted, f.gate.Sheet, s.Msg.Text)
	}
	evs := f.events(t)
	if len(evs) != 2 || evs[0].Kind != pos.AuditApproval || evs[1].Kind != pos.AuditDrawerOpen {
		t.Fatalf("audit = %+v, want the approval then the drawer open", evs)
	}
	for _, e := range evs {
		if e.Actor != "收银员" || e.Approver != "店长" || e.Till != "01-01" {
			t.Errorf("event %s: actor %q approver %q till %q, want 收银员 / 店长 / 01-01", e.Kind, e.Actor, e.Approver, e.Till)
		}
	}
	if !strings.Contains(evs[0].Data, `"method":"pin"`) || !strings.Contains(evs[0].Data, "Change for the drawer") {
		t.Errorf("approval data = %s", evs[0].Data)
	}
	a, err := f.db.Approval(context.Background(), "id-2")
	if err != nil || !a.Used {
		t.Errorf("the approval after the drawer opened: %+v, %v; want used", a, err)
	}
}

// A manager opens the drawer at once, audited with no approver.
func TestManagerAllowedDirectly(t *testing.T) {
	f := newFixture(t, manager)
	f.open()
	if f.gate.Sheet != nil || len(f.acted) != 1 || f.acted[0] != (pos.Staff{}) {
		t.Fatalf("manager: sheet %v, acted %v", f.gate.Sheet, f.acted)
	}
	evs := f.events(t)
	if len(evs) != 1 || evs[0].Actor != "店长" || evs[0].Approver != "" || evs[0].Kind != pos.AuditDrawerOpen {
		t.Errorf("audit = %+v", evs)
	}
}

// A denied action is told in the till's language and never runs.
func TestDeniedIsTold(t *testing.T) {
	f := newFixture(t, cashier)
	f.gate.Do(Intent{Actions: []pos.Action{pos.ActChannelKeys}, What: "修改支付密钥"}, func(pos.Staff) error {
		t.Error("a cashier changed the channel keys")
		return nil
	})
	if len(f.told) != 1 || !strings.Contains(f.told[0], "修改支付密钥") || !strings.Contains(f.told[0], "收银员") {
		t.Errorf("told %q", f.told)
	}
	if f.gate.Sheet != nil {
		t.Error("a sheet opened for a denied action")
	}
}

// With the manager away, the challenge is answered with their
// authenticator's code for this step; the same code cannot approve a
// second action.
func TestChallengeAnsweredWithTOTP(t *testing.T) {
	f := newFixture(t, cashier)
	f.open()
	s := f.gate.Sheet
	test.Tap(s.Away)
	if s.away.Hidden || len(s.ChallengeCode()) != 8 {
		t.Fatalf("away part hidden %v, challenge %q", s.away.Hidden, s.ChallengeCode())
	}
	if want := pos.Challenge([]byte("till key"), s.Request()); s.ChallengeCode() != want {
		t.Errorf("challenge %s, want %s (the request's)", s.ChallengeCode(), want)
	}
	s.Reason.SetSelectedIndex(4)
	test.Type(s.Code, "12345")
	test.Tap(s.ApproveCode)
	if s.Msg.Text == "" || len(f.acted) != 0 {
		t.Fatalf("a 5-digit code: msg %q, acted %v", s.Msg.Text, f.acted)
	}
	code := pos.TOTP(managerSecret, f.db.Now())
	test.Type(s.Code, code)
	test.Tap(s.ApproveCode)
	if len(f.acted) != 1 || f.acted[0].Name != "店长" {
		t.Fatalf("after the right code: acted %v, msg %q", f.acted, s.Msg.Text)
	}
	if evs := f.events(t); !strings.Contains(evs[0].Data, `"challenge":"`+s.ChallengeCode()+`"`) {
		t.Errorf("approval event data %s lacks the challenge", evs[0].Data)
	}

	f.open()
	s2 := f.gate.Sheet
	test.Tap(s2.Away)
	s2.Reason.SetSelectedIndex(4)
	test.Type(s2.Code, code)
	test.Tap(s2.ApproveCode)
	if got, want := s2.Msg.Text, "该验证码已用过。请等下一个（30 秒）再读出。"; got != want || len(f.acted) != 1 {
		t.Errorf("the same code again: msg %q, want %q; acted %v", got, want, f.acted)
	}
}

// "Other" needs a note; Cancel closes the sheet and nothing happens.
func TestOtherNeedsNoteAndCancel(t *testing.T) {
	f := newFixture(t, cashier)
	f.open()
	s := f.gate.Sheet
	s.Reason.SetSelectedIndex(len(Reasons) - 1)
	test.Tap(s.Tiles[0])
	test.Type(s.PIN, "314159")
	test.Tap(s.ApprovePIN)
	if s.Msg.Text != "请在备注中写明原因。" || len(f.acted) != 0 {
		t.Errorf("other without a note: msg %q acted %v", s.Msg.Text, f.acted)
	}
	test.Tap(s.Cancel)
	if f.gate.Sheet != nil || len(f.acted) != 0 || len(f.events(t)) != 0 {
		t.Errorf("after cancel: sheet %v, acted %v", f.gate.Sheet, f.acted)
	}
}

func TestTranslations(t *testing.T) {
	kittest.CheckTranslations(t, ".", Reasons...)
}
