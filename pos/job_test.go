package pos_test

import (
	"errors"
	"testing"
	"time"

	"zhanggui/pos"
)

func TestJob(t *testing.T) {
	due := time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	j := pos.NewJob("resolve_payment:p1", pos.JobResolvePayment, "p1", []byte(`{"amount_fen":1250}`), due)
	if err := j.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	if j.Due.Location() != time.UTC || !j.Due.Equal(due) {
		t.Errorf("Due = %v, want %v in UTC", j.Due, due)
	}
	other := pos.NewJob(j.ID, j.Kind, j.Key, []byte(`{"amount_fen":1251}`), due)
	if other.Hash == j.Hash {
		t.Error("another payload gives the same hash")
	}
	if k := pos.NewJob("j2", pos.JobDownloadBill, "", nil, due); k.Key != "j2" {
		t.Errorf("empty key became %q, want the job's ID", k.Key)
	}
	// Kind and key are separated in the hash: ("ab","c") is not ("a","bc").
	if pos.JobHash("ab", "c", nil) == pos.JobHash("a", "bc", nil) {
		t.Error("JobHash runs kind and key together")
	}
	tests := []struct {
		name string
		mod  func(*pos.Job)
	}{
		{"no ID", func(j *pos.Job) { j.ID = " " }},
		{"no kind", func(j *pos.Job) { j.Kind = "" }},
		{"payload changed after hashing", func(j *pos.Job) { j.Payload = []byte("{}") }},
		{"no due time", func(j *pos.Job) { j.Due = time.Time{} }},
	}
	for _, tt := range tests {
		bad := j
		tt.mod(&bad)
		if err := bad.Validate(); !errors.Is(err, pos.ErrBadJob) {
			t.Errorf("%s: Validate() = %v, want ErrBadJob", tt.name, err)
		}
	}
}
