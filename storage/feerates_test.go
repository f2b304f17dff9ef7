package storage_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

// TestFeeRates saves rates, changes one, refuses bad ones whole, and reads
// them back after the file is opened again.
func TestFeeRates(t *testing.T) {
	db := storagetest.NewDB(t)
	got, err := db.FeeRates(ctx)
	must(t, err)
	if len(got) != 0 {
		t.Errorf("rates of a new shop = %v, want none (defaults)", got)
	}
	must(t, db.SaveFeeRates(ctx, map[string]int64{"alipay": 38, "wechat": 60}))
	must(t, db.SaveFeeRates(ctx, map[string]int64{"wechat": 25}))
	for _, bad := range []map[string]int64{{"acquirer": 10001}, {"acquirer": 30, "cash": 10}, {"alipay": -1}} {
		if err := db.SaveFeeRates(ctx, bad); pos.ErrorCode(err) != pos.CodeInvalid {
			t.Errorf("SaveFeeRates(%v) = %v, want a CodeInvalid error", bad, err)
		}
	}
	again, err := storage.Open(db.Path())
	must(t, err)
	defer again.Close()
	got, err = again.FeeRates(ctx)
	must(t, err)
	if diff := cmp.Diff(map[string]int64{"alipay": 38, "wechat": 25}, got); diff != "" {
		t.Errorf("rates (-want +got):\n%s", diff)
	}
}
