// Package camera delivers frames from a webcam, a folder of pictures, a
// video file or a generator, all behind FrameSource.
//
// The till decodes payment codes from these frames (hardware/qr); tests and
// demo mode use the folder and generated sources, since the build machines
// have no camera. The V4L2 source (Linux) reads MJPEG or YUYV through
// github.com/blackjack/webcam, which needs no cgo. Frames come out as
// *image.Gray or *image.YCbCr so a decoder can use the luminance directly.
//
// The package decodes nothing and imports nothing else of ours.
package camera
