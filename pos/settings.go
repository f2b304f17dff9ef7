package pos

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Settings are the shop's own choices, edited on the settings screen.
type Settings struct {
	ShopName      string       `json:"shop_name"`
	Address       string       `json:"address"`
	TaxNo         string       `json:"tax_no"` // 纳税人识别号
	ReceiptHeader string       `json:"receipt_header"`
	ReceiptFooter string       `json:"receipt_footer"`
	PrinterKind   string       `json:"printer_kind"`   // none, file, tcp, device
	PrinterTarget string       `json:"printer_target"` // a path or host:port
	PaperWidth    int          `json:"paper_width"`    // 58 or 80 (mm)
	Language      string       `json:"language"`       // zh or en
	LargeFont     bool         `json:"large_font"`
	CashRounding  RoundingRule `json:"cash_rounding"`
	StoreCode     string       `json:"store_code"` // two digits in the order number
	TillCode      string       `json:"till_code"`
	TimeZone      string       `json:"time_zone"` // IANA name; Asia/Shanghai
	Demo          bool         `json:"demo"`      // the built-in demo shop
	// OfflineCards bound the card payments approved offline (pos/offline.go).
	OfflineCards OfflineLimits `json:"offline_cards"`

	// The counter's devices (the 硬件 screen).
	Camera     string `json:"camera"`      // V4L2 device path; "": the first camera found
	CameraSize string `json:"camera_size"` // one of CameraSizes
	ScanSuffix string `json:"scan_suffix"` // what the barcode gun sends after a code: "enter" or "tab"
	ScanGapMs  int    `json:"scan_gap_ms"` // the longest pause between a gun's keys; slower is typing
}

// CameraSizes are the frame sizes offered for the counter camera: 640×480
// decodes a phone's code at the counter fastest; larger helps a camera
// mounted further away.
var CameraSizes = []string{"640x480", "1280x720", "1920x1080"}

// CameraFrame returns the camera's frame size in pixels.
func (s Settings) CameraFrame() (width, height int) {
	if _, err := fmt.Sscanf(s.CameraSize, "%dx%d", &width, &height); err != nil || width <= 0 || height <= 0 {
		return 640, 480
	}
	return width, height
}

// DefaultSettings are a new shop's settings.
func DefaultSettings() Settings {
	return Settings{
		ShopName: "掌柜小店", ReceiptFooter: "谢谢惠顾，欢迎再来！", PrinterKind: "none",
		PaperWidth: 58, Language: "zh", CashRounding: RoundNone,
		StoreCode: "01", TillCode: "01", TimeZone: "Asia/Shanghai",
		OfflineCards: DefaultOfflineLimits(),
		CameraSize:   "640x480", ScanSuffix: "enter", ScanGapMs: 40,
	}
}

// Validate checks every field's range; the message names the field.
func (s Settings) Validate() error {
	switch {
	case strings.TrimSpace(s.ShopName) == "":
		return Errorf(CodeInvalid, "pos: settings: shop name is required")
	case s.PaperWidth != 58 && s.PaperWidth != 80:
		return Errorf(CodeInvalid, "pos: settings: paper width %d is not 58 or 80", s.PaperWidth)
	case s.Language != "zh" && s.Language != "en":
		return Errorf(CodeInvalid, "pos: settings: language %q", s.Language)
	case s.CashRounding != RoundNone && s.CashRounding != RoundJiao && s.CashRounding != RoundYuan:
		return Errorf(CodeInvalid, "pos: settings: cash rounding %q", s.CashRounding)
	case !code2(s.StoreCode) || !code2(s.TillCode):
		return Errorf(CodeInvalid, "pos: settings: store and till codes are two digits")
	case s.CameraSize != "" && !slices.Contains(CameraSizes, s.CameraSize):
		return Errorf(CodeInvalid, "pos: settings: camera size %q is not one of %v", s.CameraSize, CameraSizes)
	case s.ScanSuffix != "" && s.ScanSuffix != "enter" && s.ScanSuffix != "tab":
		return Errorf(CodeInvalid, "pos: settings: scanner suffix %q is not enter or tab", s.ScanSuffix)
	case s.ScanGapMs != 0 && (s.ScanGapMs < 5 || s.ScanGapMs > 500):
		return Errorf(CodeInvalid, "pos: settings: scanner key gap %d ms is not within 5–500 ms", s.ScanGapMs)
	}
	switch s.PrinterKind {
	case "none":
	case "file", "tcp", "device":
		if strings.TrimSpace(s.PrinterTarget) == "" {
			return Errorf(CodeInvalid, "pos: settings: printer %s needs a target", s.PrinterKind)
		}
	default:
		return Errorf(CodeInvalid, "pos: settings: printer kind %q", s.PrinterKind)
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil {
		return Errorf(CodeInvalid, "pos: settings: time zone %q: %w", s.TimeZone, err)
	}
	return s.OfflineCards.Validate()
}

func code2(s string) bool { return len(s) == 2 && strings.Trim(s, "0123456789") == "" }

// Location returns the shop's time zone, or China Standard Time when the
// name cannot be loaded (a machine without tzdata).
func (s Settings) Location() *time.Location {
	if loc, err := time.LoadLocation(s.TimeZone); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}
