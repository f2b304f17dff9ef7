package camera

import (
	"context"
	"fmt"
	"image"
	_ "image/gif" // Folder reads GIF, JPEG and PNG
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// FolderOptions configure a Folder source.
type FolderOptions struct {
	FPS  float64 // frames per second; 0 gives frames as fast as asked
	Loop bool    // start again after the last file instead of io.EOF
}

// Folder plays the pictures in a folder, in name order, as camera frames.
// Grayscale JPEGs come out as *image.Gray, colour ones as *image.YCbCr.
type Folder struct {
	files []string
	loop  bool

	mu     sync.Mutex
	pace   pacer
	next   int // index into files
	closed bool
}

var _ FrameSource = (*Folder)(nil)

// imageExts are the file types a Folder plays.
var imageExts = []string{".jpg", ".jpeg", ".png", ".gif"}

// OpenFolder lists the pictures in dir. It returns ErrNoFrames if there are
// none.
func OpenFolder(dir string, opts FolderOptions) (*Folder, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("camera: open folder: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && slices.Contains(imageExts, strings.ToLower(filepath.Ext(e.Name()))) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNoFrames, dir)
	}
	return &Folder{files: files, loop: opts.Loop, pace: newPacer(opts.FPS)}, nil
}

// Files returns the pictures played, in order.
func (f *Folder) Files() []string { return slices.Clone(f.files) }

// Frame returns the next picture when it is due.
func (f *Folder) Frame(ctx context.Context) (image.Image, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, ErrClosed
	}
	if f.next == len(f.files) {
		if !f.loop {
			return nil, io.EOF
		}
		f.next = 0
	}
	if err := f.pace.wait(ctx); err != nil {
		return nil, err
	}
	path := f.files[f.next]
	f.next++
	return readImage(path)
}

// Close stops the source.
func (f *Folder) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func readImage(path string) (image.Image, error) {
	r, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("camera: read frame: %w", err)
	}
	defer r.Close() // read-only: a close error changes nothing
	img, _, err := image.Decode(r)
	if err != nil {
		return nil, fmt.Errorf("camera: decode frame %s: %w", path, err)
	}
	return img, nil
}
