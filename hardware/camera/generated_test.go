package camera

import (
	"bytes"
	"context"
	"errors"
	"image"
	"io"
	"strings"
	"testing"
)

func TestGenerated(t *testing.T) {
	var rendered []int
	g := NewGenerated(func(n int) image.Image {
		rendered = append(rendered, n)
		return image.NewGray(image.Rect(0, 0, 4, 4))
	}, GeneratedOptions{Frames: 3})
	ctx := context.Background()
	for range 3 {
		if _, err := g.Frame(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := g.Frame(ctx); !errors.Is(err, io.EOF) {
		t.Errorf("frame 4 of 3: %v, want io.EOF", err)
	}
	if len(rendered) != 3 || rendered[0] != 0 || rendered[2] != 2 {
		t.Errorf("rendered frames %v, want [0 1 2]", rendered)
	}
	g.Close()
	if _, err := g.Frame(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}

func TestGeneratedCancelled(t *testing.T) {
	g := NewGenerated(func(int) image.Image { return image.NewGray(image.Rect(0, 0, 1, 1)) }, GeneratedOptions{FPS: 30})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Frame(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Frame on a cancelled context = %v, want context.Canceled", err)
	}
}

func TestPhoneScene(t *testing.T) {
	s := NewPhoneScene(320, 240, 1)
	blank := s.Render(5).(*image.Gray)
	if s.Text() != "" {
		t.Errorf("new scene shows %q, want a blank screen", s.Text())
	}
	if err := s.SetText("134567890123456789"); err != nil {
		t.Fatal(err)
	}
	code := s.Render(5).(*image.Gray)
	if bytes.Equal(blank.Pix, code.Pix) {
		t.Errorf("the code changed nothing in the frame")
	}
	if again := s.Render(5).(*image.Gray); !bytes.Equal(code.Pix, again.Pix) {
		t.Errorf("the same frame rendered twice differs: the seed must fix the noise")
	}
	if next := s.Render(6).(*image.Gray); bytes.Equal(code.Pix, next.Pix) {
		t.Errorf("frames 5 and 6 are identical: the phone should move and the noise change")
	}
	if err := s.SetText(strings.Repeat("x", 8000)); err == nil {
		t.Errorf("SetText of 8000 bytes: no error, want one (too long for a QR code)")
	}
	if s.Text() != "134567890123456789" {
		t.Errorf("a failed SetText changed the text to %q", s.Text())
	}
	if err := s.SetText(""); err != nil || s.Text() != "" {
		t.Errorf("SetText(\"\") = %v, text %q", err, s.Text())
	}
}

func BenchmarkPhoneSceneRender(b *testing.B) {
	s := NewPhoneScene(640, 480, 1)
	if err := s.SetText("281234567890123456"); err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		s.Render(n)
		n++
	}
}
