package pos_test

import (
	"errors"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

var offlineNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

var offlineTests = []struct {
	name   string
	limits pos.OfflineLimits
	amount money.Fen
	queue  pos.OfflineQueue
	want   error // nil: approved offline
	reason string
}{
	{"first payment, small", pos.DefaultOfflineLimits(), 1250, pos.OfflineQueue{}, nil, ""},
	{"at the floor", pos.DefaultOfflineLimits(), 300_00, pos.OfflineQueue{}, nil, ""},
	{"a fen over the floor", pos.DefaultOfflineLimits(), 300_01, pos.OfflineQueue{}, pos.ErrOfflineFloor, pos.ReasonOfflineFloor},
	{"exposure reached exactly", pos.DefaultOfflineLimits(), 100_00, pos.OfflineQueue{Exposure: 1900_00}, nil, ""},
	{"exposure passed", pos.DefaultOfflineLimits(), 100_01, pos.OfflineQueue{Exposure: 1900_00}, pos.ErrOfflineExposure, pos.ReasonOfflineExposure},
	{"third of the card today", pos.DefaultOfflineLimits(), 500, pos.OfflineQueue{CardToday: 2}, nil, ""},
	{"fourth of the card today", pos.DefaultOfflineLimits(), 500, pos.OfflineQueue{CardToday: 3}, pos.ErrOfflineCardDay, pos.ReasonOfflineCardDay},
	{"oldest just in time", pos.DefaultOfflineLimits(), 500,
		pos.OfflineQueue{Exposure: 500, Oldest: offlineNow.Add(-24*time.Hour + time.Second)}, nil, ""},
	{"oldest past the upload deadline", pos.DefaultOfflineLimits(), 500,
		pos.OfflineQueue{Exposure: 500, Oldest: offlineNow.Add(-24 * time.Hour)}, pos.ErrOfflineTooOld, pos.ReasonOfflineTooOld},
	{"zero limits allow nothing", pos.OfflineLimits{}, 1, pos.OfflineQueue{}, pos.ErrOfflineFloor, pos.ReasonOfflineFloor},
	{"the floor is checked before the rest", pos.DefaultOfflineLimits(), 400_00,
		pos.OfflineQueue{Exposure: 2000_00, CardToday: 9}, pos.ErrOfflineFloor, pos.ReasonOfflineFloor},
}

func TestOfflineLimitsCheck(t *testing.T) {
	for _, tt := range offlineTests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.limits.Check(tt.amount, tt.queue, offlineNow)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Check(%v, %+v) = %v, want nil", tt.amount, tt.queue, err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Check(%v, %+v) = %v, want %v", tt.amount, tt.queue, err, tt.want)
			}
			if got := pos.ErrorCode(err); got != pos.CodeInvalid {
				t.Errorf("code %s, want invalid: the cashier takes cash instead", got)
			}
			if got := pos.OfflineReason(err); got != tt.reason {
				t.Errorf("OfflineReason = %q, want %q", got, tt.reason)
			}
		})
	}
}

func TestOfflineLimitsBadAmount(t *testing.T) {
	if err := pos.DefaultOfflineLimits().Check(0, pos.OfflineQueue{}, offlineNow); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("Check(0) = %v, want CodeInvalid", err)
	}
}

func TestOfflineLimitsValidate(t *testing.T) {
	tests := []struct {
		name string
		l    pos.OfflineLimits
		ok   bool
	}{
		{"defaults", pos.DefaultOfflineLimits(), true},
		{"all zero: no offline cards", pos.OfflineLimits{}, true},
		{"negative floor", pos.OfflineLimits{FloorFen: -1, TotalExposureFen: 100}, false},
		{"floor above exposure", pos.OfflineLimits{FloorFen: 200, TotalExposureFen: 100}, false},
		{"negative age", pos.OfflineLimits{MaxAge: -time.Hour}, false},
		{"exposure above MaxFen", pos.OfflineLimits{TotalExposureFen: money.MaxFen + 1}, false},
	}
	for _, tt := range tests {
		if err := tt.l.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

func TestCheckOnlinePayment(t *testing.T) {
	tests := []struct {
		link pos.Link
		mode pos.PaymentMode
		ok   bool
	}{
		{pos.LinkOnline, pos.ModeCode, true},
		{pos.LinkPartial, pos.ModeCode, true}, // may end 待确认; the outbox resolves it
		{pos.LinkOffline, pos.ModeCode, false},
		{pos.LinkOffline, pos.ModeQR, false},
	}
	for _, tt := range tests {
		err := pos.CheckOnlinePayment(pos.Alipay, tt.mode, tt.link)
		if (err == nil) != tt.ok {
			t.Errorf("CheckOnlinePayment(%s, %s) = %v, want ok %v", tt.mode, tt.link, err, tt.ok)
		}
		if err != nil && (!errors.Is(err, pos.ErrOfflineCode) || pos.OfflineReason(err) != pos.ReasonOfflineCode) {
			t.Errorf("CheckOnlinePayment(%s, %s) = %v, want ErrOfflineCode with its reason", tt.mode, tt.link, err)
		}
	}
	if pos.OfflineReason(pos.ErrEmptyCart) != "" {
		t.Error("OfflineReason of an unrelated error is not empty")
	}
}
