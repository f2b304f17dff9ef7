package storage_test

import (
	"context"
	"testing"

	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

// BenchmarkPINCheck is one approval PIN check with the production argon2id
// costs (DefaultPINParams): the target is 20–100 ms on the till.
func BenchmarkPINCheck(b *testing.B) {
	db := storagetest.NewDB(b)
	auth, err := storage.NewStaffAuth(db, testPepper)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	owner, err := auth.SetFirstOwnerPIN(ctx, "284716")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := auth.CheckPIN(ctx, owner.ID, "284716"); err != nil {
			b.Fatal(err)
		}
	}
}
