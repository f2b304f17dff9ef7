package qr

import (
	"errors"
	"image"
	"image/color"
	"image/draw"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// Payment-code-like payloads (PROTOCOLS.md §3).
const (
	alipayCode   = "281234567890123456"  // Alipay: 25–30, 16–24 digits
	wechatCode   = "134567890123456789"  // WeChat Pay: 10–15, 18 digits
	unionpayCode = "6212345678901234567" // UnionPay QR: 62, 19 digits
	alipayURL    = "https://qr.alipay.com/bax03431ljhokirwl38f00a7"
	productEAN   = "6901234567892" // a Chinese product (690–699), check digit 2
)

func TestDecodeSynthetic(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		format string
		mods   func(t testing.TB, text string) modules
		pose   pose
		quiet  int
		edit   func(g *image.Gray) *image.Gray // noise, blur…; nil for none
	}{
		{"alipay upright", alipayCode, FormatQR, qrModules, pose{320, 240, 6, 0}, 4, nil},
		{"wechat turned 90", wechatCode, FormatQR, qrModules, pose{300, 250, 6, 90}, 4, nil},
		{"unionpay upside down", unionpayCode, FormatQR, qrModules, pose{340, 230, 6, 180}, 4, nil},
		{"tilted 7 degrees", alipayCode, FormatQR, qrModules, pose{320, 240, 6, 7}, 4, nil},
		{"tilted -13 degrees", wechatCode, FormatQR, qrModules, pose{320, 240, 5, -13}, 4, nil},
		{"tilted 28 degrees", unionpayCode, FormatQR, qrModules, pose{320, 240, 5, 28}, 4, nil},
		{"small modules", alipayCode, FormatQR, qrModules, pose{200, 300, 2.6, 3}, 4, nil},
		{"near the edge", wechatCode, FormatQR, qrModules, pose{110, 110, 4, 0}, 4, nil},
		{"noisy", alipayCode, FormatQR, qrModules, pose{320, 240, 5, 4}, 4, func(g *image.Gray) *image.Gray { addNoise(g, 14, 1); return g }},
		{"blurred", wechatCode, FormatQR, qrModules, pose{320, 240, 5, -4}, 4, func(g *image.Gray) *image.Gray { return boxBlur(g, 1) }},
		{"blurred and noisy", unionpayCode, FormatQR, qrModules, pose{320, 240, 6, 10}, 4, func(g *image.Gray) *image.Gray {
			g = boxBlur(g, 2)
			addNoise(g, 8, 2)
			return g
		}},
		{"low contrast", alipayCode, FormatQR, qrModules, pose{320, 240, 5, 2}, 4, func(g *image.Gray) *image.Gray {
			for i, v := range g.Pix {
				g.Pix[i] = 120 + v/6
			}
			return g
		}},
		{"order URL", alipayURL, FormatQR, qrModules, pose{320, 240, 5, -6}, 4, nil},
		{"EAN-13", productEAN, FormatEAN13, ean13Modules, pose{320, 240, 3, 0}, 10, nil},
		{"EAN-13 upside down", productEAN, FormatEAN13, ean13Modules, pose{320, 240, 3, 180}, 10, nil},
		{"EAN-13 vertical", productEAN, FormatEAN13, ean13Modules, pose{320, 240, 3, 90}, 10, nil},
		{"EAN-13 tilted", productEAN, FormatEAN13, ean13Modules, pose{320, 240, 3, 8}, 10, nil},
		{"Code-128 payment barcode", alipayCode, FormatCode128, code128Modules, pose{320, 240, 2, 0}, 10, nil},
		{"Code-128 vertical", wechatCode, FormatCode128, code128Modules, pose{320, 240, 2, -90}, 10, nil},
	}
	dec := NewDecoder(Options{Budget: -1})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, corners := scene(tt.mods(t, tt.text), tt.pose, tt.quiet)
			if tt.edit != nil {
				g = tt.edit(g)
			}
			res, err := dec.Decode(g)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if res.Text != tt.text || res.Format != tt.format {
				t.Errorf("Decode = %q %s, want %q %s", res.Text, res.Format, tt.text, tt.format)
			}
			if tt.format == FormatQR && !near(res.Points, corners, 2*tt.pose.module) {
				t.Errorf("corners %v, want near %v", res.Points, corners)
			}
			if tt.format != FormatQR && len(res.Points) != 2 {
				t.Errorf("got %d points for a 1-D code, want its 2 ends", len(res.Points))
			}
			if res.Elapsed <= 0 {
				t.Errorf("Elapsed = %v, want > 0", res.Elapsed)
			}
		})
	}
}

// TestDecodeBigFrame: a 1920×1080 frame is shrunk to MaxWidth first, and the
// corners still come out in the frame's own pixels.
func TestDecodeBigFrame(t *testing.T) {
	g := frame(1920, 1080, 2)
	corners := drawCode(g, qrModules(t, alipayCode), pose{1300, 600, 12, 5}, 4)
	res, err := NewDecoder(Options{Budget: -1}).Decode(g)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if res.Text != alipayCode || !near(res.Points, corners, 16) {
		t.Errorf("Decode = %q at %v, want %q near %v", res.Text, res.Points, alipayCode, corners)
	}
}

func TestDecodeNothing(t *testing.T) {
	blank := frame(640, 480, 3)
	addNoise(blank, 6, 3)
	tests := []struct {
		name string
		img  image.Image
	}{
		{"counter", blank},
		{"black", image.NewGray(image.Rect(0, 0, 320, 240))},
		{"empty", image.NewGray(image.Rect(0, 0, 0, 0))},
		{"one pixel", image.NewGray(image.Rect(0, 0, 1, 1))},
		{"UPC-E decoy", upceScene(t)},
		{"white sub-image", image.NewGray(image.Rect(0, 0, 100, 100)).SubImage(image.Rect(200, 200, 300, 300))},
	}
	dec := NewDecoder(Options{Budget: -1})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if res, err := dec.Decode(tt.img); !errors.Is(err, ErrNotFound) {
				t.Errorf("Decode = %+v, %v; want ErrNotFound", res, err)
			}
		})
	}
}

// TestDecodeHuge: an image without bounds is refused, not allocated.
func TestDecodeHuge(t *testing.T) {
	if _, err := NewDecoder(Options{}).Decode(image.NewUniform(color.White)); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("Decode(image.Uniform) = %v, want a size error", err)
	}
}

// upceScene shows a UPC-E barcode, a format left out on purpose.
func upceScene(t *testing.T) *image.Gray {
	g, _ := scene(barModules(t, oned.NewUPCEWriter(), gozxing.BarcodeFormat_UPC_E, "01234565", 40), pose{320, 240, 3, 0}, 10)
	return g
}

func TestDecodeFormats(t *testing.T) {
	qrFrame, _ := scene(qrModules(t, alipayCode), pose{320, 240, 6, 0}, 4)
	eanFrame, _ := scene(ean13Modules(t, productEAN), pose{320, 240, 3, 0}, 10)
	tests := []struct {
		name    string
		formats FormatSet
		img     *image.Gray
		want    string // "" for ErrNotFound
	}{
		{"QR only reads QR", QRCode, qrFrame, alipayCode},
		{"QR only ignores EAN", QRCode, eanFrame, ""},
		{"EAN only reads EAN", EAN13, eanFrame, productEAN},
		{"EAN only ignores QR", EAN13, qrFrame, ""},
		{"Code-128 only ignores EAN", Code128, eanFrame, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := NewDecoder(Options{Formats: tt.formats, Budget: -1}).Decode(tt.img)
			if tt.want == "" {
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("Decode = %q, %v; want ErrNotFound", res.Text, err)
				}
				return
			}
			if err != nil || res.Text != tt.want {
				t.Errorf("Decode = %q, %v; want %q", res.Text, err, tt.want)
			}
		})
	}
}

func TestDecodeROI(t *testing.T) {
	g, corners := scene(qrModules(t, wechatCode), pose{480, 240, 5, 0}, 4)
	if _, err := NewDecoder(Options{ROI: ROI{0, 0, 0.5, 1}, Budget: -1}).Decode(g); !errors.Is(err, ErrNotFound) {
		t.Errorf("code outside the ROI: err = %v, want ErrNotFound", err)
	}
	res, err := NewDecoder(Options{ROI: ROI{0.5, 0.1, 1, 0.9}, Budget: -1}).Decode(g)
	if err != nil || res.Text != wechatCode {
		t.Fatalf("code inside the ROI: %q, %v", res.Text, err)
	}
	if !near(res.Points, corners, 10) {
		t.Errorf("corners %v, want frame coordinates near %v", res.Points, corners)
	}
}

// TestDecodeImageTypes: every fast path, and the generic one, sees the same
// picture, and a sub-image keeps its coordinates.
func TestDecodeImageTypes(t *testing.T) {
	g, corners := scene(qrModules(t, unionpayCode), pose{320, 240, 5, 6}, 4)
	rgba := image.NewRGBA(g.Rect)
	draw.Draw(rgba, rgba.Rect, g, image.Point{}, draw.Src)
	nrgba := image.NewNRGBA(g.Rect)
	draw.Draw(nrgba, nrgba.Rect, g, image.Point{}, draw.Src)
	ycc := image.NewYCbCr(g.Rect, image.YCbCrSubsampleRatio420)
	copy(ycc.Y, g.Pix)
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = 128, 128
	}
	pal := image.NewPaletted(g.Rect, color.Palette{color.Black, color.White, color.Gray{128}})
	draw.Draw(pal, pal.Rect, g, image.Point{}, draw.Src)
	tests := []struct {
		name string
		img  image.Image
	}{
		{"Gray", g},
		{"RGBA", rgba},
		{"NRGBA", nrgba},
		{"YCbCr", ycc},
		{"Paletted", pal},
		{"Gray sub-image", g.SubImage(image.Rect(100, 50, 600, 450))},
		{"YCbCr sub-image", ycc.SubImage(image.Rect(100, 50, 600, 450))},
	}
	dec := NewDecoder(Options{Budget: -1})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := dec.Decode(tt.img)
			if err != nil || res.Text != unionpayCode {
				t.Fatalf("Decode = %q, %v; want %q", res.Text, err, unionpayCode)
			}
			if !near(res.Points, corners, 10) {
				t.Errorf("corners %v, want near %v", res.Points, corners)
			}
		})
	}
}

func TestGrayOfConversions(t *testing.T) {
	nrgba := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	nrgba.Pix = []uint8{255, 255, 255, 255, 0, 0, 0, 0} // opaque white, transparent black
	rgba := image.NewRGBA(image.Rect(0, 0, 2, 1))
	rgba.Pix = []uint8{200, 100, 50, 255, 0, 0, 0, 0}
	tests := []struct {
		name string
		img  image.Image
		want []uint8
	}{
		{"NRGBA transparent is white", nrgba, []uint8{255, 255}},
		{"RGBA BT.601", rgba, []uint8{color.GrayModel.Convert(color.RGBA{200, 100, 50, 255}).(color.Gray).Y, 255}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := grayOf(tt.img, tt.img.Bounds()).Pix
			if string(got) != string(tt.want) {
				t.Errorf("grayOf = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDecodeBudget: a budget too small for anything still allows the first
// attempt, which reads a clear code.
func TestDecodeBudget(t *testing.T) {
	g, _ := scene(qrModules(t, alipayCode), pose{320, 240, 6, 0}, 4)
	if res, err := NewDecoder(Options{Budget: time.Nanosecond}).Decode(g); err != nil || res.Text != alipayCode {
		t.Errorf("Decode = %q, %v; want %q", res.Text, err, alipayCode)
	}
}

func TestValidEAN13(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{productEAN, true},
		{"4006381333931", true},
		{"6901234567890", false}, // wrong check digit
		{"690123456789", false},  // 12 digits
		{"690123456789a", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidEAN13(tt.in); got != tt.want {
			t.Errorf("ValidEAN13(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzValidEAN13(f *testing.F) {
	for _, s := range []string{productEAN, "4006381333931", "6901234567890", "", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidEAN13(s) && len(s) != 13 {
			t.Errorf("ValidEAN13(%q) accepted a string of length %d", s, len(s))
		}
	})
}

// TestDecodeThinBars: a 1280×720 frame is shrunk for QR codes, but 1-D rows
// are read at full resolution, where bars 1.5 pixels wide still read.
func TestDecodeThinBars(t *testing.T) {
	g := frame(1280, 720, 4)
	drawCode(g, ean13Modules(t, productEAN), pose{640, 360, 1.5, 0}, 10)
	res, err := NewDecoder(Options{Budget: -1}).Decode(g)
	if err != nil || res.Text != productEAN {
		t.Fatalf("Decode = %q, %v; want %q", res.Text, err, productEAN)
	}
	if len(res.Points) != 2 || res.Points[0].X < 500 || res.Points[1].X > 800 {
		t.Errorf("ends %v, want around x 560..720", res.Points)
	}
}

// TestCropFromFullResolution: in a shrunk frame, the closer look at a code
// comes from the full-resolution pixels, and its corners map back to them.
func TestCropFromFullResolution(t *testing.T) {
	g := frame(1920, 1080, 5)
	corners := drawCode(g, qrModules(t, wechatCode), pose{700, 500, 7, 12}, 4)
	d := NewDecoder(Options{Budget: -1})
	full := view{g: g, scale: 1}
	p := &pass{d: d, full: full, base: full.sub(downscale(g, 2), point{}, 2)}
	if _, ok := p.qr(p.base, hybrid, false); !ok && len(p.candidates) == 0 {
		t.Fatal("the base pass saw no finder pattern")
	}
	res, ok := p.cropQR(nil, hybrid)
	if !ok || res.Text != wechatCode {
		t.Fatalf("cropQR = %q, %v; want %q", res.Text, ok, wechatCode)
	}
	if !near(res.Points, corners, 4) {
		t.Errorf("corners %v, want near %v", res.Points, corners)
	}
}
