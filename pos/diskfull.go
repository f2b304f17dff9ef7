package pos

// ErrDiskFull means the till's disk (or its database's size limit) is full:
// the change was not written, all of it. It is CodeUnavailable: nothing is
// wrong with the request, and it goes through once space is freed. A sale
// refused with it was not charged: every payment is saved before its
// request leaves the till, so a payment the disk could not hold was never
// sent.
var ErrDiskFull = Errorf(CodeUnavailable, "pos: the disk is full; nothing was written")
