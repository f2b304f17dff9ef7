package camera

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The FFmpeg source is tested twice: against a stand-in ffmpeg (this test
// binary, re-run with ZHANGGUI_FAKE_FFMPEG set), which always works, and
// against the real ffmpeg when it is installed.

func TestMain(m *testing.M) {
	if mode := os.Getenv("ZHANGGUI_FAKE_FFMPEG"); mode != "" {
		os.Exit(fakeFFmpeg(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeFFmpeg writes its arguments to $ZHANGGUI_FAKE_FFMPEG_ARGS and then
// behaves as mode says: "frames:N" writes N frames (frame k all k) and
// half a frame; "fail" complains like ffmpeg about a missing file;
// "hang" writes one frame and waits to be killed.
func fakeFFmpeg(mode string, args []string) int {
	if path := os.Getenv("ZHANGGUI_FAKE_FFMPEG_ARGS"); path != "" {
		_ = os.WriteFile(path, []byte(strings.Join(args, " ")), 0o644)
	}
	var w, h int
	if i := slices.Index(args, "-s"); i >= 0 && i+1 < len(args) {
		fmt.Sscanf(args[i+1], "%dx%d", &w, &h)
	}
	frame := func(v byte) []byte { return bytes.Repeat([]byte{v}, w*h) }
	switch {
	case mode == "fail":
		fmt.Fprintln(os.Stderr, "missing.mp4: No such file or directory")
		return 1
	case mode == "hang":
		os.Stdout.Write(frame(1))
		time.Sleep(time.Minute)
		return 0
	case strings.HasPrefix(mode, "frames:"):
		n, _ := strconv.Atoi(strings.TrimPrefix(mode, "frames:"))
		for k := range n {
			os.Stdout.Write(frame(byte(k)))
		}
		os.Stdout.Write(frame(99)[:w*h/2])
		return 0
	}
	return 2
}

// fakeOpts makes OpenFFmpeg run the stand-in in the given mode.
func fakeOpts(t *testing.T, mode string, opts FFmpegOptions) FFmpegOptions {
	t.Setenv("ZHANGGUI_FAKE_FFMPEG", mode)
	opts.Command = os.Args[0]
	return opts
}

func TestFFmpegFrames(t *testing.T) {
	argsFile := filepath.Join(t.TempDir(), "args")
	t.Setenv("ZHANGGUI_FAKE_FFMPEG_ARGS", argsFile)
	f, err := OpenFFmpeg("clip.mp4", fakeOpts(t, "frames:3", FFmpegOptions{Width: 8, Height: 6, FPS: 15}))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	for k := range 3 {
		img, err := f.Frame(ctx)
		if err != nil {
			t.Fatalf("frame %d: %v", k, err)
		}
		g := img.(*image.Gray)
		if g.Rect != image.Rect(0, 0, 8, 6) || g.Pix[0] != byte(k) || g.Pix[47] != byte(k) {
			t.Errorf("frame %d: %v with pixels %d…%d", k, g.Rect, g.Pix[0], g.Pix[47])
		}
	}
	if _, err := f.Frame(ctx); !errors.Is(err, io.EOF) {
		t.Errorf("after the last whole frame: %v, want io.EOF (the half frame is dropped)", err)
	}
	if _, err := f.Frame(ctx); !errors.Is(err, io.EOF) {
		t.Errorf("again: %v, want io.EOF", err)
	}
	args, _ := os.ReadFile(argsFile)
	want := "-hide_banner -loglevel error -nostdin -i clip.mp4 -f rawvideo -pix_fmt gray -s 8x6 -r 15 -"
	if string(args) != want {
		t.Errorf("ffmpeg arguments\n%s\nwant\n%s", args, want)
	}
}

func TestFFmpegFails(t *testing.T) {
	f, err := OpenFFmpeg("missing.mp4", fakeOpts(t, "fail", FFmpegOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = f.Frame(context.Background())
	if err == nil || errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "No such file") {
		t.Errorf("Frame = %v, want ffmpeg's complaint", err)
	}
}

func TestFFmpegNotInstalled(t *testing.T) {
	_, err := OpenFFmpeg("clip.mp4", FFmpegOptions{Command: filepath.Join(t.TempDir(), "ffmpeg")})
	if err == nil {
		t.Fatal("no error for a missing ffmpeg")
	}
	_, err = OpenFFmpeg("clip.mp4", FFmpegOptions{Command: "zhanggui-no-such-ffmpeg"})
	if got, want := ChineseMessage(err), "未安装 ffmpeg，无法读取视频文件"; got != want {
		t.Errorf("ChineseMessage(%v) = %q, want %q", err, got, want)
	}
}

// TestFFmpegCloseAndCancel: neither a cancelled Frame nor Close waits for a
// stuck ffmpeg.
func TestFFmpegCloseAndCancel(t *testing.T) {
	f, err := OpenFFmpeg("clip.mp4", fakeOpts(t, "hang", FFmpegOptions{Width: 4, Height: 4}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Frame(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := f.Frame(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Frame = %v, want context.DeadlineExceeded", err)
	}
	start := time.Now()
	if err := f.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("Close took %v", el)
	}
	if _, err := f.Frame(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Frame after Close = %v, want ErrClosed", err)
	}
}

// TestFFmpegReal makes a five-frame video with the real ffmpeg and reads it
// back, scaled to half size.
func TestFFmpegReal(t *testing.T) {
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Skip("ffmpeg not installed")
	}
	dir := t.TempDir()
	for k := range 5 {
		g := image.NewGray(image.Rect(0, 0, 64, 48))
		for i := range g.Pix {
			g.Pix[i] = byte(40 * (k + 1))
		}
		out, err := os.Create(filepath.Join(dir, fmt.Sprintf("f%d.png", k)))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(out, g); err != nil || out.Close() != nil {
			t.Fatal(err)
		}
	}
	video := filepath.Join(dir, "clip.mkv")
	mk := exec.Command(bin, "-loglevel", "error", "-framerate", "10", "-i", filepath.Join(dir, "f%d.png"),
		"-c:v", "ffv1", "-pix_fmt", "gray", video)
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("make the video: %v: %s", err, out)
	}
	f, err := OpenFFmpeg(video, FFmpegOptions{Width: 32, Height: 24})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for k := range 5 {
		img, err := f.Frame(context.Background())
		if err != nil {
			t.Fatalf("frame %d: %v", k, err)
		}
		g := img.(*image.Gray)
		if g.Rect.Dx() != 32 || g.Rect.Dy() != 24 || absDiff(g.Pix[100], byte(40*(k+1))) > 2 {
			t.Errorf("frame %d: %v grey %d, want 32x24 grey %d", k, g.Rect, g.Pix[100], 40*(k+1))
		}
	}
	if _, err := f.Frame(context.Background()); !errors.Is(err, io.EOF) {
		t.Errorf("after 5 frames: %v, want io.EOF", err)
	}
	missing, err := OpenFFmpeg(filepath.Join(dir, "missing.mkv"), FFmpegOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer missing.Close()
	if _, err := missing.Frame(context.Background()); err == nil || errors.Is(err, io.EOF) {
		t.Errorf("missing file: %v, want ffmpeg's error", err)
	}
}

func absDiff(a, b byte) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
