package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zhanggui/hardware/printer/escpostest"
	"zhanggui/pos"
)

func TestHardwareScreen(t *testing.T) {
	f := newFixture(t)
	f.app.deps.Hardware = HardwareDeps{
		Cameras:     func() ([]string, error) { return nil, nil },
		Readers:     func() ([]string, error) { return nil, errors.New("scard: Service not available.") },
		TapTest:     func(ctx context.Context) (string, error) { return "会员卡 UID 04A1…E5F6", nil },
		ReaderError: func(err error) string { return "pcscd 未运行，请启动智能卡服务" },
	}
	h := f.app.hardware
	h.refresh()
	if !strings.Contains(h.cameras.Text, "未找到摄像头") || !strings.Contains(h.readers.Text, "pcscd 未运行") {
		t.Errorf("device states: %q / %q", h.cameras.Text, h.readers.Text)
	}
	h.onTestPage()
	h.onDrawer()
	if len(f.print.jobs) != 2 {
		t.Fatalf("printed %d jobs, want a test page and a drawer kick", len(f.print.jobs))
	}
	page, err := escpostest.Decode(f.print.jobs[0])
	if err != nil || !strings.Contains(page.Text(), "测试商品") || len(page.QRs()) != 1 {
		t.Errorf("test page: %v\n%s", err, page.Text())
	}
	kick, err := escpostest.Decode(f.print.jobs[1])
	if err != nil || kick.Count("ESC p") != 1 {
		t.Errorf("drawer kick: %v %+v", err, kick)
	}
	h.onTap()
	<-h.tapDone
	if h.tap.Text != "会员卡 UID 04A1…E5F6" {
		t.Errorf("tap test shows %q", h.tap.Text)
	}
}

// The drawer without a sale is gated: an accountant may not (the button is
// off); a cashier may ask for approval (on; gates_test.go drives it).
func TestDrawerIsGated(t *testing.T) {
	f := newFixture(t)
	f.app.cashier = pos.Staff{Name: "会计", Role: pos.RoleAccountant}
	f.app.hardware.refresh()
	if !f.app.hardware.drawer.Disabled() {
		t.Error("an accountant can open the drawer without a sale")
	}
	f.app.cashier = pos.Staff{Name: "收银员", Role: pos.RoleCashier}
	f.app.hardware.refresh()
	if f.app.hardware.drawer.Disabled() {
		t.Error("a cashier cannot even ask to open the drawer")
	}
}
