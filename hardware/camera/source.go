package camera

import (
	"context"
	"errors"
	"image"
	"io"
	"io/fs"
	"os/exec"
	"syscall"
)

// FrameSource gives frames one at a time.
type FrameSource interface {
	// Frame blocks until the next frame is ready or ctx ends. It returns
	// io.EOF when a finite source has no more frames. The image is the
	// caller's: the source does not reuse its memory.
	Frame(ctx context.Context) (image.Image, error)
	// Close releases the device or process; Frame then returns ErrClosed.
	Close() error
}

// Device is a camera the system offers.
type Device struct {
	Path string // e.g. /dev/video0
	Name string // the driver's name for it, e.g. "HD Pro Webcam C920"
}

// Errors a FrameSource returns, wrapped with details. ChineseMessage turns
// them into words for the cashier.
var (
	ErrNoCamera          = errors.New("camera: no camera found")
	ErrBusy              = errors.New("camera: camera in use by another program")
	ErrPermission        = errors.New("camera: no permission to open the camera")
	ErrUnsupportedFormat = errors.New("camera: camera offers neither MJPEG nor YUYV")
	ErrUnsupported       = errors.New("camera: camera capture is not supported on this system")
	ErrNoFrames          = errors.New("camera: no image files in folder")
	ErrClosed            = errors.New("camera: source closed")
)

// ChineseMessage says what went wrong in words for the cashier, or "" for
// nil. The caller logs err itself.
func ChineseMessage(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNoCamera), errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENODEV):
		return "未找到摄像头，请检查 USB 连接"
	case errors.Is(err, ErrBusy), errors.Is(err, syscall.EBUSY):
		return "摄像头正被其他程序使用，请关闭该程序后重试"
	case errors.Is(err, ErrPermission), errors.Is(err, fs.ErrPermission):
		return "没有权限打开摄像头，请检查设备权限"
	case errors.Is(err, ErrUnsupportedFormat):
		return "摄像头不支持 MJPEG 或 YUYV 格式，请更换摄像头"
	case errors.Is(err, ErrUnsupported):
		return "本系统不支持摄像头采集"
	case errors.Is(err, ErrNoFrames):
		return "文件夹中没有图片"
	case errors.Is(err, exec.ErrNotFound):
		return "未安装 ffmpeg，无法读取视频文件"
	case errors.Is(err, io.EOF):
		return "视频已播放完毕"
	case errors.Is(err, context.DeadlineExceeded):
		return "摄像头无响应，请重新插拔后重试"
	case errors.Is(err, ErrClosed), errors.Is(err, context.Canceled):
		return "摄像头已关闭"
	default:
		return "摄像头出错，请重新插拔后重试"
	}
}
