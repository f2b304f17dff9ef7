package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/approve"
	"zhanggui/hardware/camera"
	"zhanggui/hardware/printer"
	"zhanggui/hardware/qr"
	"zhanggui/pos"
)

// HardwareDeps reach the counter's devices for the hardware screen.
type HardwareDeps struct {
	Cameras func() ([]string, error) // names of the cameras found
	// CameraDevices are the V4L2 cameras to choose from (settings).
	CameraDevices func() ([]camera.Device, error)
	Readers       func() ([]string, error)                  // PC/SC readers
	TapTest       func(ctx context.Context) (string, error) // waits for a card and describes it
	ReaderError   func(err error) string                    // the reader's problem in the cashier's words
}

// hardwareScreen lists the devices with their state and tests each.
type hardwareScreen struct {
	app     *App
	cameras *widget.Label
	readers *widget.Label
	printer *widget.Label
	tap     *noteLabel
	drawer  *widget.Button
	content fyne.CanvasObject
	preview *cameraScan
	camBox  *fyne.Container
	tapDone chan struct{}
	devices *deviceSettings
}

func newHardwareScreen(a *App) *hardwareScreen {
	s := &hardwareScreen{app: a, cameras: widget.NewLabel(""), readers: widget.NewLabel(""),
		printer: widget.NewLabel(""), tap: newNoteLabel()}
	for _, l := range []*widget.Label{s.cameras, s.readers, s.printer} {
		l.Wrapping = fyne.TextWrapWord
	}
	s.camBox = container.NewVBox()
	s.drawer = widget.NewButton(T("Open cash drawer"), s.onDrawer)
	s.devices = newDeviceSettings(s)
	s.content = container.NewVScroll(container.NewVBox(
		widget.NewCard(T("Cameras"), "", container.NewVBox(s.cameras,
			widget.NewButton(T("Camera preview"), s.onPreview), s.camBox)),
		widget.NewCard(T("Card readers"), "", container.NewVBox(s.readers,
			widget.NewButton(T("Tap a card to test"), s.onTap), s.tap)),
		widget.NewCard(T("Receipt printer and cash drawer"), "", container.NewVBox(s.printer,
			container.NewHBox(widget.NewButton(T("Print test page"), s.onTestPage), s.drawer))),
		widget.NewCard(T("Camera and barcode gun settings"), "", s.devices.content()),
		widget.NewButton(T("Refresh"), s.refresh),
	))
	return s
}

// refresh lists the devices (done when the screen is opened).
func (s *hardwareScreen) refresh() {
	h := s.app.deps.Hardware
	s.cameras.SetText(listText(h.Cameras, T("No camera found: check the USB connection."), s.app.deps.Log))
	readers := T("No card reader found: check the reader's connection.")
	if h.Readers != nil {
		names, err := h.Readers()
		switch {
		case err != nil:
			readers = h.ReaderError(err)
		case len(names) > 0:
			readers = strings.Join(names, "\n")
		}
	}
	s.readers.SetText(readers)
	s.devices.show()
	st := s.app.settings
	if st.PrinterKind == "none" {
		s.printer.SetText(T("No printer configured (Settings)."))
	} else {
		s.printer.SetText(fmt.Sprintf("%s · %s · %d mm", T(printerLabel(st.PrinterKind)), st.PrinterTarget, st.PaperWidth))
	}
	s.drawer.Disable()
	if s.app.may(pos.ActDrawerOpen) {
		s.drawer.Enable() // opening the drawer without a sale is gated: allowed or approved
	}
}

func printerLabel(kind string) string {
	for _, c := range printerKinds {
		if c.value == kind {
			return c.label
		}
	}
	return kind
}

func listText(list func() ([]string, error), none string, log interface{ Warn(string, ...any) }) string {
	if list == nil {
		return none
	}
	names, err := list()
	if err != nil {
		log.Warn("hardware list", "err", err)
		return none
	}
	if len(names) == 0 {
		return none
	}
	return strings.Join(names, "\n")
}

func (s *hardwareScreen) onPreview() {
	if s.preview != nil {
		s.preview.stop()
		s.camBox.RemoveAll()
		s.preview = nil
		return
	}
	s.preview = s.app.startCamera(func(sc qr.Scan) { s.cameras.SetText(Tf("Read %s: %s", sc.Format, sc.Text)) })
	if s.preview == nil {
		s.cameras.SetText(T("No camera found: check the USB connection."))
		return
	}
	s.camBox.Add(s.preview.preview)
	s.camBox.Add(s.preview.status)
}

// onTap waits up to 20 s for a card and shows what it is.
func (s *hardwareScreen) onTap() {
	h := s.app.deps.Hardware
	if h.TapTest == nil {
		s.tap.SetText(T("No card reader found: check the reader's connection."))
		return
	}
	s.tap.SetText(T("Tap a card on the reader…"))
	s.tapDone = make(chan struct{})
	done := s.tapDone
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		desc, err := h.TapTest(ctx)
		fyne.Do(func() {
			if err != nil {
				desc = h.ReaderError(err)
			}
			s.tap.SetText(desc)
			close(done)
		})
	}()
}

func (s *hardwareScreen) onTestPage() {
	if err := s.app.printTestPage(); err != nil {
		s.printer.SetText(printerMessage(err))
		return
	}
	s.printer.SetText(T("Test page sent to the printer."))
}

func (s *hardwareScreen) onDrawer() {
	in := approve.Intent{Actions: []pos.Action{pos.ActDrawerOpen}, What: T("Open the drawer without a sale"),
		Subject: "drawer", Audit: pos.AuditDrawerOpen}
	s.app.gated(in, func(approver pos.Staff) error {
		if err := s.app.openDrawer(); err != nil {
			s.printer.SetText(printerMessage(err))
			return err
		}
		s.app.deps.Log.Info("cash drawer opened without a sale", "staff", s.app.cashier.Name, "approver", approver.Name)
		s.printer.SetText(T("Drawer opened (logged)."))
		return nil
	})
}

// printTestPage prints the shop header, a line of Chinese and a QR, so the
// owner sees the paper width, the font and the QR command work.
func (a *App) printTestPage() error {
	if a.printer == nil {
		return pos.Errorf(pos.CodeUnavailable, "ui: no printer configured")
	}
	st := a.settings
	doc := printer.Doc{Shop: st.ShopName, Address: st.Address, Title: T("Printer test page"),
		Lines:  []printer.Line{{Name: "测试商品 可口可乐 330ml", Qty: "1", Price: "3.50", Amount: "3.50"}},
		Footer: []string{time.Now().In(st.Location()).Format("2006-01-02 15:04:05")}, QR: "zhanggui-test", Cut: true}
	job, err := printer.Encode(doc, printer.Width(st.PaperWidth))
	if err != nil {
		return pos.Errorf(pos.CodeInternal, "ui: test page: %w", err)
	}
	a.printer.Submit(job)
	return nil
}

// openDrawer kicks the cash drawer through the printer (ESC p).
func (a *App) openDrawer() error {
	if a.printer == nil {
		return pos.Errorf(pos.CodeUnavailable, "ui: no printer configured")
	}
	job, err := printer.Encode(printer.Doc{OpenDrawer: true}, printer.Width(a.settings.PaperWidth))
	if err != nil {
		return pos.Errorf(pos.CodeInternal, "ui: drawer: %w", err)
	}
	a.printer.Submit(job)
	return nil
}
