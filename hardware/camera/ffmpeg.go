package camera

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// FFmpegOptions configure an FFmpeg source.
type FFmpegOptions struct {
	Width, Height int     // frame size ffmpeg scales to; zero means 640×480
	FPS           float64 // output frame rate (-r); 0 keeps the file's rate
	Realtime      bool    // read the input at its native speed (-re), like a camera
	Loop          bool    // play the file again and again (-stream_loop -1)
	Command       string  // the ffmpeg binary; "" means "ffmpeg" on PATH
}

// FFmpeg plays a video file through ffmpeg as *image.Gray frames:
// ffmpeg -i FILE -f rawvideo -pix_fmt gray -s WxH -.
type FFmpeg struct {
	cmd    *exec.Cmd
	w, h   int
	frames chan frameOrError
	stop   context.CancelFunc // kills ffmpeg and ends the reader
	done   chan struct{}      // closed when the reader has finished
	close  sync.Once

	mu  sync.Mutex // one Frame at a time
	err error      // what ended the stream, returned from then on
}

type frameOrError struct {
	img *image.Gray
	err error
}

var _ FrameSource = (*FFmpeg)(nil)

// stderrTailMax bounds the ffmpeg messages kept for an error.
const stderrTailMax = 2048

// OpenFFmpeg starts ffmpeg on file. Errors from ffmpeg itself (a missing
// file, an unknown codec) come from Frame, with ffmpeg's message; a missing
// ffmpeg binary wraps exec.ErrNotFound here.
func OpenFFmpeg(file string, opts FFmpegOptions) (*FFmpeg, error) {
	w, h := opts.Width, opts.Height
	if w <= 0 || h <= 0 {
		w, h = 640, 480
	}
	bin := opts.Command
	if bin == "" {
		bin = "ffmpeg"
	}
	ctx, stop := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, ffmpegArgs(file, w, h, opts)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		stop()
		return nil, fmt.Errorf("camera: ffmpeg: %w", err)
	}
	var stderr tailBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		stop()
		return nil, fmt.Errorf("camera: start ffmpeg: %w", err)
	}
	f := &FFmpeg{cmd: cmd, w: w, h: h, frames: make(chan frameOrError, 1), stop: stop, done: make(chan struct{})}
	go f.read(ctx, stdout, &stderr)
	return f, nil
}

func ffmpegArgs(file string, w, h int, opts FFmpegOptions) []string {
	args := []string{"-hide_banner", "-loglevel", "error", "-nostdin"}
	if opts.Loop {
		args = append(args, "-stream_loop", "-1")
	}
	if opts.Realtime {
		args = append(args, "-re")
	}
	args = append(args, "-i", file, "-f", "rawvideo", "-pix_fmt", "gray", "-s", strconv.Itoa(w)+"x"+strconv.Itoa(h))
	if opts.FPS > 0 {
		args = append(args, "-r", strconv.FormatFloat(opts.FPS, 'f', -1, 64))
	}
	return append(args, "-")
}

// read turns ffmpeg's output into frames until it ends or ctx is cancelled,
// then reports why it ended.
func (f *FFmpeg) read(ctx context.Context, stdout io.Reader, stderr *tailBuffer) {
	defer close(f.done)
	r := bufio.NewReaderSize(stdout, f.w*f.h)
	for {
		img := image.NewGray(image.Rect(0, 0, f.w, f.h))
		_, err := io.ReadFull(r, img.Pix)
		if err != nil {
			f.finish(ctx, err, stderr)
			return
		}
		select {
		case f.frames <- frameOrError{img: img}:
		case <-ctx.Done():
			f.finish(ctx, ctx.Err(), stderr)
			return
		}
	}
}

// finish waits for ffmpeg and sends the error that ends the stream: io.EOF
// after a clean end, or ffmpeg's complaint.
func (f *FFmpeg) finish(ctx context.Context, readErr error, stderr *tailBuffer) {
	waitErr := f.cmd.Wait()
	var err error
	switch {
	case ctx.Err() != nil:
		err = ErrClosed
	case waitErr != nil:
		err = fmt.Errorf("camera: ffmpeg: %w: %s", waitErr, stderr.String())
	case readErr == io.EOF, readErr == io.ErrUnexpectedEOF: // a last partial frame is dropped
		err = io.EOF
	default:
		err = fmt.Errorf("camera: read ffmpeg output: %w", readErr)
	}
	select {
	case f.frames <- frameOrError{err: err}:
	case <-ctx.Done():
	}
}

// Frame returns the next frame, io.EOF after the last one, or ffmpeg's
// error if it failed.
func (f *FFmpeg) Frame(ctx context.Context) (image.Image, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	select {
	case fe := <-f.frames:
		return f.take(fe)
	case <-f.done:
		select {
		case fe := <-f.frames: // the reader's last word, sent before it finished
			return f.take(fe)
		default:
			f.err = ErrClosed
			return nil, ErrClosed
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// take returns a frame, or records the error that ended the stream.
func (f *FFmpeg) take(fe frameOrError) (image.Image, error) {
	if fe.err != nil {
		f.err = fe.err
		return nil, fe.err
	}
	return fe.img, nil
}

// Close stops ffmpeg and waits for it to exit. It does not wait for a
// Frame call in progress, which then returns ErrClosed.
func (f *FFmpeg) Close() error {
	f.close.Do(f.stop)
	<-f.done
	return nil
}

// tailBuffer keeps the last stderrTailMax bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if extra := t.buf.Len() - stderrTailMax; extra > 0 {
		t.buf.Next(extra)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(t.buf.String())
}
