package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"
)

// The owner sees each offline card payment the acquirer refused at
// upload: order, amount, masked card, when approved and refused, why.
func TestSyncScreenListsCardLosses(t *testing.T) {
	f := newFixture(t)
	at := time.Date(2026, 11, 25, 6, 3, 0, 0, time.UTC) // 14:03 Beijing
	losses := []CardLoss{{SaleNo: "01-01-20261125-0007", Amount: 12850, MaskedPAN: "622848******1234",
		ApprovedAt: at, DeclinedAt: at.Add(20 * time.Hour), Reason: "05 不予承兑"}}
	f.app.deps.Sync = SyncDeps{
		Status:     func(context.Context) (SyncStatus, error) { return SyncStatus{}, nil },
		CardLosses: func(context.Context) ([]CardLoss, error) { return losses, nil },
	}
	f.app.deps.Now = func() time.Time { return at.Add(30 * time.Hour) }
	f.app.build()
	var text []string
	for _, o := range f.app.syncing.losses.Objects {
		if l, ok := o.(*widget.Label); ok {
			text = append(text, l.Text)
		}
	}
	got := strings.Join(text, "\n")
	for _, want := range []string{"上送被拒（已记为损失）：1 笔，共 ¥128.50", "01-01-20261125-0007", "622848******1234",
		"脱机批准 11-25 14:03", "05 不予承兑"} {
		if !strings.Contains(got, want) {
			t.Errorf("the screen lacks %q:\n%s", want, got)
		}
	}
	losses = nil
	f.app.syncing.reload()
	if n := len(f.app.syncing.losses.Objects); n != 0 {
		t.Errorf("%d rows shown with no losses", n)
	}
}
