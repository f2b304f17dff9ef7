// Package qr reads payment QR codes and product barcodes from camera frames.
//
// Decoder wraps gozxing's QR reader and its EAN-13 and Code-128 readers in a
// pipeline tuned for a counter webcam looking at a customer's phone: the
// frame's luminance goes to gozxing without per-pixel allocation, cheap
// attempts run first, and costlier ones (other binarizers, glare and
// contrast correction, an enlarged crop around the finder patterns,
// rotation, TRY_HARDER) run within a time budget and only when the frame
// shows signs of a code. Only the formats a till needs are enabled: a
// multi-format reader misreads the decoy 1-D strip on wallet screens as
// UPC-E.
//
// Debouncer drops repeats of a code still in view; Scanner runs the loop
// from a FrameSource to a channel of results. RunDecodeCommand is the
// `zhanggui decode` subcommand.
//
// The package knows nothing of payments: whether a text is a valid payment
// code is decided in pos. It imports nothing else of ours.
package qr
