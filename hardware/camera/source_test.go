package camera

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

func TestChineseMessage(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("camera: open /dev/video0: %w", ErrNoCamera), "未找到摄像头，请检查 USB 连接"},
		{&os.PathError{Op: "open", Path: "/dev/video0", Err: syscall.ENOENT}, "未找到摄像头，请检查 USB 连接"},
		{syscall.ENODEV, "未找到摄像头，请检查 USB 连接"},
		{fmt.Errorf("x: %w", syscall.EBUSY), "摄像头正被其他程序使用，请关闭该程序后重试"},
		{ErrBusy, "摄像头正被其他程序使用，请关闭该程序后重试"},
		{syscall.EACCES, "没有权限打开摄像头，请检查设备权限"},
		{ErrPermission, "没有权限打开摄像头，请检查设备权限"},
		{ErrUnsupportedFormat, "摄像头不支持 MJPEG 或 YUYV 格式，请更换摄像头"},
		{ErrUnsupported, "本系统不支持摄像头采集"},
		{ErrNoFrames, "文件夹中没有图片"},
		{&exec.Error{Name: "ffmpeg", Err: exec.ErrNotFound}, "未安装 ffmpeg，无法读取视频文件"},
		{io.EOF, "视频已播放完毕"},
		{context.DeadlineExceeded, "摄像头无响应，请重新插拔后重试"},
		{ErrClosed, "摄像头已关闭"},
		{context.Canceled, "摄像头已关闭"},
		{errors.New("VIDIOC_DQBUF: input/output error"), "摄像头出错，请重新插拔后重试"},
	}
	for _, tt := range tests {
		if got := ChineseMessage(tt.err); got != tt.want {
			t.Errorf("ChineseMessage(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
