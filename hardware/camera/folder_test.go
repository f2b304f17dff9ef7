package camera

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// writeFrames writes n grey frames a.png, b.jpg, c.png… whose pixels are
// ten times their index, plus a file that is not a picture.
func writeFrames(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		g := image.NewGray(image.Rect(0, 0, 16, 8))
		for j := range g.Pix {
			g.Pix[j] = uint8(10 * i)
		}
		name := filepath.Join(dir, string(rune('a'+i))) // a, b, c…: name order is index order
		var buf bytes.Buffer
		if i%2 == 0 {
			name += ".png"
			_ = png.Encode(&buf, g) // a bytes.Buffer does not fail
		} else {
			name += ".jpg"
			_ = jpeg.Encode(&buf, g, &jpeg.Options{Quality: 100})
		}
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a frame"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// shade is the grey of a frame written by writeFrames.
func shade(t *testing.T, img image.Image) int {
	t.Helper()
	return int(color.GrayModel.Convert(img.At(3, 3)).(color.Gray).Y+5) / 10
}

func TestFolderPlaysOnce(t *testing.T) {
	f, err := OpenFolder(writeFrames(t, 3), FolderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n := len(f.Files()); n != 3 {
		t.Errorf("Files() has %d entries, want 3 (notes.txt is no picture)", n)
	}
	ctx := context.Background()
	for want := range 3 {
		img, err := f.Frame(ctx)
		if err != nil {
			t.Fatalf("frame %d: %v", want, err)
		}
		if got := shade(t, img); got != want {
			t.Errorf("frame %d shows file %d", want, got)
		}
	}
	if _, err := f.Frame(ctx); !errors.Is(err, io.EOF) {
		t.Errorf("after the last file: %v, want io.EOF", err)
	}
}

func TestFolderLoops(t *testing.T) {
	f, err := OpenFolder(writeFrames(t, 2), FolderOptions{Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for range 5 {
		img, err := f.Frame(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, shade(t, img))
	}
	if want := []int{0, 1, 0, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("frames %v, want %v", got, want)
	}
	f.Close()
	if _, err := f.Frame(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Frame after Close = %v, want ErrClosed", err)
	}
}

// TestFolderPaces: at 100 fps, five frames take at least 40 ms (the first
// comes at once). Only a lower bound: a slow machine may take longer.
func TestFolderPaces(t *testing.T) {
	f, err := OpenFolder(writeFrames(t, 5), FolderOptions{FPS: 100})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for range 5 {
		if _, err := f.Frame(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el < 40*time.Millisecond {
		t.Errorf("5 frames at 100 fps took %v, want at least 40ms", el)
	}
}

// TestFolderCancel: a frame not due for two seconds gives up at once when
// the context ends.
func TestFolderCancel(t *testing.T) {
	f, err := OpenFolder(writeFrames(t, 2), FolderOptions{FPS: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Frame(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	start := time.Now()
	if _, err := f.Frame(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Frame = %v, want context.Canceled", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("cancelled Frame returned after %v", el)
	}
}

func TestOpenFolderErrors(t *testing.T) {
	if _, err := OpenFolder(t.TempDir(), FolderOptions{}); !errors.Is(err, ErrNoFrames) {
		t.Errorf("empty folder: %v, want ErrNoFrames", err)
	}
	if _, err := OpenFolder(filepath.Join(t.TempDir(), "nope"), FolderOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing folder: %v, want os.ErrNotExist", err)
	}
}

// TestFolderCorpus plays the shared webcam corpus, if it is there: grey
// 640×480 JPEGs come out as *image.Gray.
func TestFolderCorpus(t *testing.T) {
	dir := findCorpus(t)
	f, err := OpenFolder(dir, FolderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.Files()); n < 100 {
		t.Errorf("corpus has %d frames, want 200", n)
	}
	img, err := f.Frame(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := img.(*image.Gray); !ok || g.Rect.Dx() != 640 || g.Rect.Dy() != 480 {
		t.Errorf("first frame is %T %v, want a 640x480 *image.Gray", img, img.Bounds())
	}
}

// findCorpus walks up from the working directory to shared/corpus beside
// the repository, skipping the test when it is absent (failing it under
// make test, ZHANGGUI_TEST_ALL=1).
func findCorpus(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		c := filepath.Join(dir, "shared", "corpus", "qr-counter")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
		if filepath.Dir(dir) == dir {
			break
		}
		dir = filepath.Dir(dir)
	}
	if os.Getenv("ZHANGGUI_TEST_ALL") == "1" {
		t.Fatal("shared/corpus/qr-counter not found above the working directory")
	}
	t.Skip("shared/corpus/qr-counter not found above the working directory")
	return ""
}
