package staff

import (
	"testing"

	"zhanggui/app/ui/kit"
	"zhanggui/pos"
)

// The demo PINs are listed in the tiles' order (owner first, by role),
// not in the order of the names' code points; a name the list lacks comes
// last.
func TestDemoHintFollowsTheTiles(t *testing.T) {
	kit.SetLanguage("zh")
	pins := map[string]string{"店主": "246810", "店长": "135791", "收银员": "112358", "会计": "314159", "客人": "1"}
	staff := []pos.Staff{{Name: "店主", Role: pos.RoleOwner}, {Name: "店长", Role: pos.RoleManager},
		{Name: "收银员", Role: pos.RoleCashier}, {Name: "会计", Role: pos.RoleAccountant}}
	want := "演示店密码：店主 246810 · 店长 135791 · 收银员 112358 · 会计 314159 · 客人 1"
	if got := demoHint(pins, staff); got != want {
		t.Errorf("hint %q, want %q", got, want)
	}
	if got := demoHint(nil, staff); got != "" {
		t.Errorf("no demo: hint %q", got)
	}
}

// A staff list line names the role only when it is not the name itself.
func TestAdminLineNamesRoleOnce(t *testing.T) {
	kit.SetLanguage("zh")
	a := &Admin{}
	for s, want := range map[pos.Staff]string{
		{Name: "会计", Role: pos.RoleAccountant, Active: true}:   "会计",
		{Name: "王芳", Role: pos.RoleCashier, Active: true}:      "王芳 · 收银员",
		{Name: "店长", Role: pos.RoleManager, Badge: "04a1b2c3"}: "店长 · " + T("deactivated") + " · " + T("badge"),
	} {
		if got := a.line(s); got != want {
			t.Errorf("line %+v = %q, want %q", s, got, want)
		}
	}
}
