package assets

import (
	"bytes"
	"encoding/binary"
	"image"
	_ "image/png" // decode Icon
	"strings"
	"testing"
)

func TestFontIsPlainTrueType(t *testing.T) {
	if len(FontCJK) < 1<<20 {
		t.Fatalf("FontCJK has %d bytes, want the 4 MB DroidSansFallbackFull.ttf", len(FontCJK))
	}
	// A TrueType font starts with version 1.0; a collection (.ttc), which
	// Fyne refuses, starts with "ttcf".
	if got := binary.BigEndian.Uint32(FontCJK); got != 0x00010000 {
		t.Errorf("FontCJK starts with %#08x, want 0x00010000 (a plain TrueType font)", got)
	}
	if !strings.Contains(FontCJKLicenseText, "Apache License") ||
		!strings.Contains(FontCJKLicenseText, FontCJKFile) {
		t.Errorf("FontCJKLicenseText does not name the font and the Apache License")
	}
}

func TestIcon(t *testing.T) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(Icon))
	if err != nil {
		t.Fatalf("decode Icon: %v", err)
	}
	if format != "png" || cfg.Width != 256 || cfg.Height != 256 {
		t.Errorf("Icon is a %dx%d %s, want a 256x256 png", cfg.Width, cfg.Height, format)
	}
}

func TestDemoProductsCSVHeader(t *testing.T) {
	first, _, _ := bytes.Cut(DemoProductsCSV, []byte("\n"))
	if got, want := string(first), "条码,名称,分类,单位,售价,会员价,称重,库存,状态"; got != want {
		t.Errorf("first line = %q, want %q", got, want)
	}
	if n := bytes.Count(DemoProductsCSV, []byte("\n")) - 1; n < 180 || n > 250 {
		t.Errorf("DemoProductsCSV has %d products, want about 200", n)
	}
}
