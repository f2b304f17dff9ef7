package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
)

// The owner sets the offline card limits in settings; nonsense is refused
// with a message and the saved limits stay.
func TestSettingsOfflineCardLimits(t *testing.T) {
	f := newFixture(t)
	s := f.app.setup
	if s.offFloor.Text != "300.00" || s.offPerCard.Text != "3" || s.offHours.Text != "24" {
		t.Fatalf("defaults shown: %q %q %q", s.offFloor.Text, s.offPerCard.Text, s.offHours.Text)
	}
	s.offFloor.SetText("150")
	s.offTotal.SetText("1000")
	s.offPerCard.SetText("2")
	s.offHours.SetText("48")
	if err := s.save(); err != nil {
		t.Fatal(err)
	}
	st, _ := f.db.Settings(context.Background())
	want := pos.OfflineLimits{FloorFen: 15000, TotalExposureFen: 100000, PerCardPerDay: 2, MaxAge: 48 * time.Hour}
	if st.OfflineCards != want {
		t.Fatalf("saved %+v, want %+v", st.OfflineCards, want)
	}
	for _, bad := range [][2]string{{"2000", "1000"}, {"-1", "1000"}, {"abc", "1000"}} {
		s.offFloor.SetText(bad[0])
		s.offTotal.SetText(bad[1])
		if err := s.save(); err == nil {
			t.Errorf("floor %s, total %s accepted", bad[0], bad[1])
		}
		if !strings.Contains(s.msg.Text, "脱机限额") {
			t.Errorf("floor %s: message %q", bad[0], s.msg.Text)
		}
	}
	if st, _ := f.db.Settings(context.Background()); st.OfflineCards != want {
		t.Errorf("a refused save changed the limits: %+v", st.OfflineCards)
	}
}
