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

type fixture struct {
	db    *storage.DB
	team  storagetest.Team
	gate  *Gate
	who   pos.Staff
	from  int64 // the first audit seq after the team was set up
	told  []string
	acted []pos.Staff
}

// newFixture opens a real shop database with its staff service (the owner,
// the cashier and a manager with an authenticator) and a gate acting for
// whoever f.who is.
func newFixture(t *testing.T, role pos.Role) *fixture {
	t.Helper()
	test.NewTempApp(t)
	kit.SetLanguage("zh")
	f := &fixture{db: storagetest.NewDB(t)}
	f.team = storagetest.NewTeam(t, f.db)
	f.who = map[pos.Role]pos.Staff{pos.RoleCashier: f.team.Cashier, pos.RoleManager: f.team.Manager}[role]
	seq, _, err := f.db.AuditHead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f.from = seq + 1
	n := 0
	f.gate = &Gate{
		Deps: Deps{Staff: f.team.Auth, Store: f.db, TillKey: []byte("till key"),
			Till:  func() string { return "01-01" },
			NewID: func() string { n++; return fmt.Sprintf("id-%d", n) },
			Now:   f.db.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))},
		Win:  test.NewTempWindow(t, widget.NewLabel("till")),
		Who:  func() pos.Staff { return f.who },
		Tell: func(msg string) { f.told = append(f.told, msg) },
	}
	return f
}

// tile is the approver tile of name.
func tile(t *testing.T, s *Sheet, name string) *widget.Button {
	t.Helper()
	for _, b := range s.Tiles {
		if b.Text == name || strings.HasPrefix(b.Text, name+" ") {
			return b
		}
	}
	t.Fatalf("no approver tile for %s", name)
	return nil
}

// approvalEvents are the audit events of approvals and actions, after the
// staff's own (PIN set-up, failed PINs).
func (f *fixture) approvalEvents(t *testing.T) []pos.AuditEvent {
	t.Helper()
	var out []pos.AuditEvent
	for _, e := range f.events(t) {
		if !strings.HasPrefix(string(e.Kind), "staff.") {
			out = append(out, e)
		}
	}
	return out
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
	if err := f.db.ScanAudit(context.Background(), f.from, func(e pos.AuditEvent) error {
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
	f := newFixture(t, pos.RoleCashier)
	f.open()
	s := f.gate.Sheet
	if s == nil || len(f.acted) != 0 {
		t.Fatalf("no sheet (told %q) or acted %v before approval", f.told, f.acted)
	}
	if len(s.Tiles) != 2 {
		t.Errorf("approver tiles = %d, want the owner and the manager", len(s.Tiles))
	}
	test.Tap(tile(t, s, "店长"))
	test.Type(s.PIN, storagetest.ManagerPIN)
	test.Tap(s.ApprovePIN)
	if got, want := s.Msg.Text, "请先选择原因。"; got != want || len(f.acted) != 0 {
		t.Errorf("approve without a reason: msg %q, want %q; acted %v", got, want, f.acted)
	}
	s.Reason.SetSelectedIndex(4)
	test.Type(s.PIN, "000000")
	test.Tap(s.ApprovePIN)
	if s.Msg.Text != "密码错误，请重试；多次输错将锁定该授权人。" || len(f.acted) != 0 || f.gate.Sheet == nil {
		t.Fatalf("wrong PIN: msg %q, acted %v", s.Msg.Text, f.acted)
	}
	if s.PIN.Text != "" {
		t.Errorf("the wrong PIN stays in the field")
	}
	test.Type(s.PIN, storagetest.ManagerPIN)
	test.Tap(s.ApprovePIN)
	if len(f.acted) != 1 || f.acted[0].Name != "店长" || f.gate.Sheet != nil {
		t.Fatalf("after the manager's PIN: acted %v, sheet %v, msg %q", f.acted, f.gate.Sheet, s.Msg.Text)
	}
	evs := f.approvalEvents(t)
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
	if n := len(f.events(t)) - len(evs); n != 1 {
		t.Errorf("%d staff events, want the failed PIN's", n)
	}
	a, err := f.db.Approval(context.Background(), "id-2")
	if err != nil || !a.Used {
		t.Errorf("the approval after the drawer opened: %+v, %v; want used", a, err)
	}
}

// A manager opens the drawer at once, audited with no approver.
func TestManagerAllowedDirectly(t *testing.T) {
	f := newFixture(t, pos.RoleManager)
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
	f := newFixture(t, pos.RoleCashier)
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
	f := newFixture(t, pos.RoleCashier)
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
	code := pos.TOTP(f.team.ManagerTOTP, f.db.Now())
	test.Type(s.Code, code)
	test.Tap(s.ApproveCode)
	if len(f.acted) != 1 || f.acted[0].Name != "店长" {
		t.Fatalf("after the right code: acted %v, msg %q", f.acted, s.Msg.Text)
	}
	if evs := f.approvalEvents(t); !strings.Contains(evs[0].Data, `"challenge":"`+s.ChallengeCode()+`"`) {
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
	f := newFixture(t, pos.RoleCashier)
	f.open()
	s := f.gate.Sheet
	s.Reason.SetSelectedIndex(len(Reasons) - 1)
	test.Tap(tile(t, s, "店主"))
	test.Type(s.PIN, storagetest.OwnerPIN)
	test.Tap(s.ApprovePIN)
	if s.Msg.Text != "请在备注中写明原因。" || len(f.acted) != 0 {
		t.Errorf("other without a note: msg %q acted %v", s.Msg.Text, f.acted)
	}
	test.Tap(s.Cancel)
	if f.gate.Sheet != nil || len(f.acted) != 0 || len(f.approvalEvents(t)) != 0 {
		t.Errorf("after cancel: sheet %v, acted %v", f.gate.Sheet, f.acted)
	}
}

func TestTranslations(t *testing.T) {
	kittest.CheckTranslations(t, ".", Reasons...)
}

// Wrong PINs at the sheet count against the approver: after five the
// manager is locked out and the sheet says until when, even for the right
// PIN; nothing is approved.
func TestWrongPINsLockTheApprover(t *testing.T) {
	f := newFixture(t, pos.RoleCashier)
	f.open()
	s := f.gate.Sheet
	s.Reason.SetSelectedIndex(4)
	test.Tap(tile(t, s, "店长"))
	for range 5 {
		test.Type(s.PIN, "000000")
		test.Tap(s.ApprovePIN)
	}
	test.Type(s.PIN, storagetest.ManagerPIN)
	test.Tap(s.ApprovePIN)
	if !strings.HasPrefix(s.Msg.Text, "密码错误次数过多") || len(f.acted) != 0 {
		t.Errorf("after five wrong PINs and the right one: msg %q, acted %v", s.Msg.Text, f.acted)
	}
}

// Approved waits, off the Fyne goroutine, for the sheet: the approval
// comes back used; a cancelled sheet gives false.
func TestApprovedWaits(t *testing.T) {
	f := newFixture(t, pos.RoleCashier)
	paidOut := Intent{Actions: []pos.Action{pos.ActPaidOut}, What: "支出", Subject: "shift:1", Amount: 5000}
	type result struct {
		a  pos.Approval
		ok bool
	}
	got := make(chan result)
	opened := sheets(f.gate)
	go func() { a, ok := f.gate.Approved(paidOut); got <- result{a, ok} }()
	s := <-opened
	s.Reason.SetSelectedIndex(4)
	test.Tap(tile(t, s, "店长"))
	test.Type(s.PIN, storagetest.ManagerPIN)
	test.Tap(s.ApprovePIN)
	r := <-got
	if !r.ok || !r.a.Used || r.a.Approver.Name != "店长" || r.a.Amount != 5000 {
		t.Fatalf("Approved = %+v, %v; want used, by 店长, ¥50", r.a, r.ok)
	}
	go func() { a, ok := f.gate.Approved(paidOut); got <- result{a, ok} }()
	test.Tap((<-opened).Cancel)
	if r := <-got; r.ok {
		t.Errorf("a cancelled sheet approved: %+v", r.a)
	}
}

// sheets tells each sheet g opens, from whichever goroutine opened it.
func sheets(g *Gate) <-chan *Sheet {
	ch := make(chan *Sheet, 1)
	g.opened = func(s *Sheet) { ch <- s }
	return ch
}
