//go:build linux && !wayland

package app

/*
#cgo LDFLAGS: -lX11 -lXrandr
#include <stdlib.h>
#include <X11/Xlib.h>
#include <X11/extensions/Xrandr.h>

// zg_bounds writes where window w is on the root window; 0 when unknown.
static int zg_bounds(Display *d, Window w, int *x, int *y, int *width, int *height) {
	XWindowAttributes a;
	Window child;
	if (!XGetWindowAttributes(d, w, &a) || a.map_state != IsViewable) return 0;
	if (!XTranslateCoordinates(d, w, a.root, 0, 0, x, y, &child)) return 0;
	*width = a.width;
	*height = a.height;
	return 1;
}

// zg_monitors writes up to max monitors as x, y, width, height quadruples
// and returns how many; 0 when RandR cannot tell.
static int zg_monitors(Display *d, int *out, int max) {
	int n = 0;
	XRRMonitorInfo *m = XRRGetMonitors(d, DefaultRootWindow(d), True, &n);
	if (m == NULL) return 0;
	if (n > max) n = max;
	for (int i = 0; i < n; i++) {
		out[4*i] = m[i].x; out[4*i+1] = m[i].y; out[4*i+2] = m[i].width; out[4*i+3] = m[i].height;
	}
	XRRFreeMonitors(m);
	return n;
}

static void zg_move(Display *d, Window w, int x, int y, int width, int height) {
	XMoveResizeWindow(d, w, x, y, (unsigned)width, (unsigned)height);
	XFlush(d);
}
*/
import "C"

import (
	"image"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"

	"zhanggui/app/ui"
)

// x11Screen finds and moves the till's windows through its own connection
// to the X server (window IDs are the server's, so GLFW's connection is
// left alone). Under Wayland or without $DISPLAY it answers "unknown" and
// the window manager places the windows.
type x11Screen struct {
	once sync.Once
	mu   sync.Mutex
	dpy  *C.Display
}

func newWindowScreen() ui.WindowScreen { return &x11Screen{} }

// display opens the connection on first use; nil when there is no X server.
func (s *x11Screen) display() *C.Display {
	s.once.Do(func() { s.dpy = C.XOpenDisplay(nil) })
	return s.dpy
}

// handle is w's X window, or 0 while it has none.
func handle(w fyne.Window) C.Window {
	var id uintptr
	if nw, ok := w.(driver.NativeWindow); ok {
		nw.RunNative(func(ctx any) {
			if x, ok := ctx.(driver.X11WindowContext); ok {
				id = x.WindowHandle
			}
		})
	}
	return C.Window(id)
}

func (s *x11Screen) Bounds(w fyne.Window) (image.Rectangle, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, id := s.display(), handle(w)
	if d == nil || id == 0 {
		return image.Rectangle{}, false
	}
	var x, y, width, height C.int
	if C.zg_bounds(d, id, &x, &y, &width, &height) == 0 {
		return image.Rectangle{}, false
	}
	return image.Rect(int(x), int(y), int(x+width), int(y+height)), true
}

func (s *x11Screen) Monitors() []image.Rectangle {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.display()
	if d == nil {
		return nil
	}
	var buf [4 * 16]C.int
	n := int(C.zg_monitors(d, &buf[0], 16))
	out := make([]image.Rectangle, n)
	for i := range out {
		x, y, w, h := int(buf[4*i]), int(buf[4*i+1]), int(buf[4*i+2]), int(buf[4*i+3])
		out[i] = image.Rect(x, y, x+w, y+h)
	}
	return out
}

func (s *x11Screen) Move(w fyne.Window, r image.Rectangle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, id := s.display(), handle(w)
	if d == nil || id == 0 || r.Empty() {
		return
	}
	C.zg_move(d, id, C.int(r.Min.X), C.int(r.Min.Y), C.int(r.Dx()), C.int(r.Dy()))
}
