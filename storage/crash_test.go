package storage_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

// crashDBEnv switches the test binary into the child of
// TestCommitSurvivesSIGKILL, committing sales into the named file.
const crashDBEnv = "ZHANGGUI_STORAGE_CRASH_DB"

// TestCommitSurvivesSIGKILL proves a sale is committed whole or not at all:
// a child process commits sales in a loop, reporting each one after
// SaveSale returns, and is killed with SIGKILL at a random moment, most
// likely mid-commit. After each kill the database must open, hold every
// sale reported, whole, and nothing partial; its audit chain must verify
// and hold one event for each sale saved, none for a sale that is not.
func TestCommitSurvivesSIGKILL(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 0))
	path := filepath.Join(t.TempDir(), "zhanggui.db")
	db, err := storage.Open(path)
	must(t, err)
	must(t, db.ImportProducts(ctx, storagetest.Products(10)))
	must(t, db.Close())

	var committed []string
	for run := range 4 {
		after := 200*time.Millisecond + time.Duration(rnd.Int64N(int64(800*time.Millisecond)))
		ids := runAndKill(t, path, after)
		t.Logf("run %d: killed after %v, %d sales reported committed", run, after, len(ids))
		committed = append(committed, ids...)
		checkAfterCrash(t, path, committed)
	}
	if len(committed) == 0 {
		t.Fatal("the child committed no sale: the test proved nothing")
	}
}

// runAndKill runs the child on path, kills it with SIGKILL after the given
// time and returns the sale IDs it reported committed.
func runAndKill(t *testing.T, path string, after time.Duration) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperCommitLoop$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDBEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	reported := make(chan []string)
	go func() { reported <- committedIDs(stdout) }()

	time.Sleep(after) // the point of the test: a kill at an unknown moment
	must(t, cmd.Process.Kill())
	ids := <-reported
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !ee.Sys().(syscall.WaitStatus).Signaled() {
		t.Fatalf("child ended with %v before it was killed; stderr:\n%s", err, stderr.String())
	}
	return ids
}

// committedIDs reads "committed <id>" lines; a line cut short by the kill
// does not count.
func committedIDs(r io.Reader) []string {
	br := bufio.NewReader(r)
	var ids []string
	for {
		line, err := br.ReadString('\n')
		if id, ok := strings.CutPrefix(line, "committed "); ok && strings.HasSuffix(id, "\n") {
			ids = append(ids, strings.TrimSuffix(id, "\n"))
		}
		if err != nil {
			return ids
		}
	}
}

// checkAfterCrash opens the database left by a killed child and checks it.
func checkAfterCrash(t *testing.T, path string, committed []string) {
	t.Helper()
	db, err := storage.Open(path)
	if err != nil {
		t.Fatalf("open after SIGKILL: %v", err)
	}
	defer db.Close()
	for _, id := range committed {
		if _, err := db.Sale(ctx, id); err != nil { // read back whole and validated
			t.Errorf("sale %s was reported committed: %v", id, err)
		}
	}
	all, err := db.SalesBetween(ctx, time.Time{}, time.Now().Add(time.Hour)) // each validated
	if err != nil {
		t.Fatalf("after SIGKILL, reading every sale: %v", err)
	}
	checkNumbers(t, all)
	raw := rawDB(t, path)
	if entries := count(t, raw, "journal_entries"); entries != len(all) {
		t.Errorf("%d journal entries for %d sales: a partial commit", entries, len(all))
	}
	var leftover int
	must(t, raw.QueryRow(`SELECT count(*) FROM carts WHERE id IN (SELECT id FROM sales)`).Scan(&leftover))
	if leftover != 0 {
		t.Errorf("%d carts of saved sales were not deleted with them", leftover)
	}
	checkTrialBalance(t, db)
	checkAuditAfterCrash(t, db, all)
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Errorf("after SIGKILL: %v", err)
	}
}

// checkAuditAfterCrash: the audit chain verifies, and holds one sale event
// for each sale and none for a sale that is not there: the events
// committed with their rows or not at all.
func checkAuditAfterCrash(t *testing.T, db *storage.DB, all []*pos.Sale) {
	t.Helper()
	v, err := db.VerifyAudit(ctx, 1)
	if err != nil || !v.OK() {
		t.Fatalf("after SIGKILL, audit verify: %v %v", err, v.Break)
	}
	sales := map[string]bool{}
	for _, s := range all {
		sales[s.ID] = true
	}
	logged := map[string]bool{}
	must(t, db.ScanAudit(ctx, 1, func(ev pos.AuditEvent) error {
		if ev.Kind != pos.AuditSale {
			return nil
		}
		if !sales[ev.Subject] || logged[ev.Subject] {
			t.Errorf("audit seq %d logs sale %s: saved %v, logged before %v", ev.Seq, ev.Subject, sales[ev.Subject], logged[ev.Subject])
		}
		logged[ev.Subject] = true
		return nil
	}))
	if len(logged) != len(all) {
		t.Errorf("%d sales, %d audit sale events", len(all), len(logged))
	}
}

func checkNumbers(t *testing.T, all []*pos.Sale) {
	t.Helper()
	seen := map[string]string{}
	for _, s := range all {
		if other, dup := seen[s.No]; dup {
			t.Errorf("sales %s and %s share order number %s", other, s.ID, s.No)
		}
		seen[s.No] = s.ID
	}
}

func checkTrialBalance(t *testing.T, db *storage.DB) {
	t.Helper()
	tb, err := db.TrialBalance(ctx)
	must(t, err)
	var sum money.Fen
	for _, b := range tb {
		sum += b
	}
	if sum != 0 {
		t.Errorf("trial balance sums to %v, want 0: %v", sum, tb)
	}
}

// TestHelperCommitLoop is the child of TestCommitSurvivesSIGKILL, not a
// test of its own: it skips unless crashDBEnv names a database.
func TestHelperCommitLoop(t *testing.T) {
	path := os.Getenv(crashDBEnv)
	if path == "" {
		t.Skip("the child process of TestCommitSurvivesSIGKILL")
	}
	db, err := storage.Open(path)
	must(t, err)
	ps, err := db.Products(ctx)
	must(t, err)
	for i := 0; ; i++ {
		id := fmt.Sprintf("p%d-%d", os.Getpid(), i)
		s := crashSale(t, db, id, i, ps)
		must(t, db.SaveCart(ctx, &pos.Cart{ID: id}, false)) // SaveSale deletes it
		if err := db.SaveSale(ctx, s); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Printf("committed %s\n", id) // only after the commit returned
	}
}

// crashSale makes sale i of the loop: one to three products, cash or split.
func crashSale(t *testing.T, db *storage.DB, id string, i int, ps []pos.Product) *pos.Sale {
	now := time.Now().UTC()
	no, err := db.NextSaleNo(ctx, pos.BusinessDay(now, shanghai), "01", "01")
	must(t, err)
	lines := []pos.Product{ps[i%len(ps)], ps[(i+3)%len(ps)], ps[(i+7)%len(ps)]}[:1+i%3]
	sale := storagetest.Sale
	if i%2 == 1 {
		sale = storagetest.SplitSale
	}
	s, err := sale(id, no, now, lines...)
	must(t, err)
	return s
}
