package cardpay_test

import (
	"testing"

	"zhanggui/pos"
)

// BenchmarkChargeOnline is one online card sale end to end, without the
// reader's own time: the payment saved as authorizing, the in-memory card
// read, the authorization at the simulator over loopback, the sale booked
// with its payment in one transaction (synchronous=FULL).
func BenchmarkChargeOnline(b *testing.B) {
	benchCharge(b, pos.LinkOnline, 1)
}

// BenchmarkChargeOffline is one offline card sale: the limits checked
// against what waits for upload, the PAN sealed, the sale, the capture
// record and its upload job booked in one transaction.
func BenchmarkChargeOffline(b *testing.B) {
	benchCharge(b, pos.LinkOffline, 0)
}

func benchCharge(b *testing.B, link pos.Link, product int) {
	e := newEnv(b)
	e.link.Store(link)
	lim := pos.DefaultOfflineLimits()
	lim.FloorFen, lim.TotalExposureFen, lim.PerCardPerDay = floor, 1<<40, 1<<30
	e.svc.Limits = func() pos.OfflineLimits { return lim }
	c := e.newCard("holder", int64(floor))
	e.sim.SetBalance("holder", 1<<40)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		r := e.request(b, product)
		e.reader.present(c.handle)
		b.StartTimer()
		out, err := e.svc.Charge(ctx, r, nil)
		if err != nil || !out.Approved() {
			b.Fatalf("Charge = %+v, %v", out, err)
		}
	}
}
