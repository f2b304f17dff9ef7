package outbox_test

import (
	"context"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/outbox"
)

// At start every open payment gets its job: a wallet payment in doubt and a
// late success being refunded their payment job, a card payment the card
// service's resolve job.
func TestOpenWork(t *testing.T) {
	ctx := context.Background()
	db := storagetest.NewDB(t)
	at := storagetest.Epoch
	pay := func(id string, p pos.Provider, mode pos.PaymentMode, st pos.PaymentState) {
		x, err := pos.NewPayment(id, "s-"+id, p, mode, 500, at)
		if err != nil {
			t.Fatal(err)
		}
		x.State = st
		if err := db.SavePayment(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	pay("w1", pos.Alipay, pos.ModeCode, pos.PayUnknown)
	pay("w2", pos.Wechat, pos.ModeQR, pos.PayRefunding)
	pay("c1", pos.Card, pos.ModeCard, pos.PayUnknown)
	pay("done", pos.Alipay, pos.ModeCode, pos.PaySucceeded)
	jobs, err := outbox.OpenWork(ctx, db, at.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]pos.JobKind{}
	for _, j := range jobs {
		kinds[j.Key] = j.Kind
		if !j.Due.Equal(at.Add(time.Minute)) {
			t.Errorf("job %s due %v", j.ID, j.Due)
		}
	}
	want := map[string]pos.JobKind{"w1": pos.JobResolvePayment, "w2": pos.JobResolvePayment}
	for k, v := range want {
		if kinds[k] != v {
			t.Errorf("jobs %v: want %s for %s", kinds, v, k)
		}
	}
	card := 0
	for _, j := range jobs {
		if j.Kind == outbox.CardResolveKind {
			card++
		}
	}
	if len(jobs) != 3 || card != 1 {
		t.Errorf("jobs %v: want three, one of them the card's resolve", kinds)
	}
}
