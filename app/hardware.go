package app

import (
	"context"
	"errors"

	"zhanggui/app/ui"
	"zhanggui/hardware/camera"
	"zhanggui/hardware/nfc"
	"zhanggui/hardware/nfc/pcsc"
)

// hardwareDeps reaches the real devices: V4L2 cameras, PC/SC readers
// through pcscd. The demo's camera (the simulated phone) is listed too.
func hardwareDeps(demoCamera bool) ui.HardwareDeps {
	return ui.HardwareDeps{
		Cameras: func() ([]string, error) {
			devs, err := camera.ListDevices()
			var names []string
			for _, d := range devs {
				names = append(names, d.Name+" ("+d.Path+")")
			}
			if demoCamera {
				names = append(names, "演示：顾客手机画面 (demo phone)")
			}
			return names, err
		},
		CameraDevices: camera.ListDevices,
		Readers:       pcsc.ListReaders,
		TapTest:       func(ctx context.Context) (string, error) { return pcsc.TapTest(ctx, "") },
		ReaderError:   readerMessage,
	}
}

// readerMessage is a reader problem in the cashier's words, with the fix.
func readerMessage(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "没有检测到卡片，请重试"
	}
	return nfc.ChineseMessage(err)
}
