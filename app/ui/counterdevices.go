package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
)

// deviceSettings is the hardware screen's card for the counter camera and
// the barcode gun: which camera and at what size, what the gun sends after
// a code and how fast it types. Saved with the shop's settings.
type deviceSettings struct {
	s      *hardwareScreen
	camera *widget.Select
	size   *widget.Select
	suffix *widget.RadioGroup
	gap    *widget.Entry
	msg    *noteLabel
	paths  map[string]string // camera choice label → device path
}

var suffixChoices = []choice{{"enter", "Enter"}, {"tab", "Tab"}}

func newDeviceSettings(s *hardwareScreen) *deviceSettings {
	d := &deviceSettings{s: s, paths: map[string]string{}}
	d.camera = widget.NewSelect(nil, nil)
	d.size = widget.NewSelect(pos.CameraSizes, nil)
	d.suffix = radio(suffixChoices)
	d.gap = widget.NewEntry()
	d.msg = newNoteLabel()
	return d
}

func (d *deviceSettings) content() fyne.CanvasObject {
	form := widget.NewForm(
		widget.NewFormItem(T("Camera"), d.camera), widget.NewFormItem(T("Frame size"), d.size),
		widget.NewFormItem(T("Barcode gun ends a code with"), d.suffix),
		widget.NewFormItem(T("Longest pause between its keys (ms)"), d.gap))
	save := widget.NewButton(T("Save device settings"), func() {
		d.s.app.gated(settingsIntent(), func(pos.Staff) error { return d.save() })
	})
	return container.NewVBox(form, container.NewHBox(save), d.msg)
}

// show lists the cameras found and the saved choices.
func (d *deviceSettings) show() {
	st := d.s.app.settings
	auto := T("The first camera found")
	d.paths = map[string]string{auto: ""}
	options := []string{auto}
	selected := auto
	if list := d.s.app.deps.Hardware.CameraDevices; list != nil {
		devs, err := list()
		if err != nil {
			d.s.app.deps.Log.Warn("camera list", "err", err)
		}
		for _, dev := range devs {
			label := dev.Name + " (" + dev.Path + ")"
			d.paths[label] = dev.Path
			options = append(options, label)
			if dev.Path == st.Camera {
				selected = label
			}
		}
	}
	if st.Camera != "" && selected == auto { // saved, but not plugged in now
		label := st.Camera + " " + T("(not connected)")
		d.paths[label] = st.Camera
		options, selected = append(options, label), label
	}
	d.camera.Options = options
	d.camera.SetSelected(selected)
	w, h := st.CameraFrame()
	d.size.SetSelected(strconv.Itoa(w) + "x" + strconv.Itoa(h))
	setRadio(d.suffix, suffixChoices, st.ScanSuffix)
	d.gap.SetText(strconv.Itoa(st.ScanGapMs))
}

// save validates and saves the device settings with the shop's settings;
// the camera is used from its next opening, the gun's settings at once.
func (d *deviceSettings) save() error {
	st := d.s.app.settings
	st.Camera, st.CameraSize = d.paths[d.camera.Selected], d.size.Selected
	st.ScanSuffix = radioValue(d.suffix, suffixChoices)
	gap, err := strconv.Atoi(strings.TrimSpace(d.gap.Text))
	if err != nil {
		err = pos.Errorf(pos.CodeInvalid, "ui: scanner key gap %q is not a number", d.gap.Text)
	} else {
		st.ScanGapMs = gap
		err = st.Validate()
	}
	if err == nil {
		err = d.s.app.deps.Settings.SaveSettings(d.s.app.actx(), st)
	}
	if err == nil {
		err = d.s.app.applySettings(st)
	}
	if err != nil {
		d.s.app.deps.Log.Warn("save device settings", "err", err)
		d.msg.Importance = widget.DangerImportance
		d.msg.SetText(cashierMessage(err) + " " + err.Error())
		return err
	}
	d.msg.Importance = widget.SuccessImportance
	d.msg.SetText(T("Device settings saved."))
	return nil
}
