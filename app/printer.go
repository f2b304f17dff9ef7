package app

import (
	"log/slog"
	"sync"

	"zhanggui/app/ui"
	"zhanggui/hardware/printer"
	"zhanggui/pos"
)

// printService is the screens' receipt sink: a print queue for the printer
// the settings name, swapped when the settings change. Submit never blocks.
type printService struct {
	log     *slog.Logger
	results chan ui.PrintResult

	mu    sync.Mutex
	queue *printer.Queue
}

func newPrintService(log *slog.Logger) *printService {
	return &printService{log: log, results: make(chan ui.PrintResult, 16)}
}

// use opens the printer st names and prints from now on through it.
func (s *printService) use(st pos.Settings) error {
	p, err := printer.Open(printer.Config{Kind: st.PrinterKind, Target: st.PrinterTarget, Width: printer.Width(st.PaperWidth)})
	if err != nil {
		return pos.Errorf(pos.CodeInvalid, "app: printer: %w", err)
	}
	q := printer.NewQueue(p, printer.QueueOptions{OnResult: s.report})
	s.mu.Lock()
	old := s.queue
	s.queue = q
	s.mu.Unlock()
	if old != nil {
		go old.Close() // lets its last jobs finish without holding up the screen
	}
	return nil
}

// report hands failures to the screen without ever blocking the queue.
func (s *printService) report(id int, err error) {
	if err == nil {
		return
	}
	s.log.Warn("print job failed", "job", id, "err", err)
	select {
	case s.results <- ui.PrintResult{Job: id, Err: err}:
	default: // the screen is behind: the log has it
	}
}

// Submit queues an encoded receipt.
func (s *printService) Submit(job []byte) int {
	s.mu.Lock()
	q := s.queue
	s.mu.Unlock()
	if q == nil {
		return 0
	}
	return q.Submit(job)
}

func (s *printService) close() {
	s.mu.Lock()
	q := s.queue
	s.queue = nil
	s.mu.Unlock()
	if q != nil {
		q.Close()
	}
}
