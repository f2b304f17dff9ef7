package printer

import "sync"

// reporter hands outcomes to a callback on a goroutine of its own, in
// order, so that neither Submit nor the printing worker ever waits for the
// callback, and the callback never runs on the caller's goroutine.
type reporter struct {
	fn     func(id int, err error)
	mu     sync.Mutex
	list   []result
	closed bool
	wake   chan struct{} // has a value when list may have grown
	quit   chan struct{} // closed by close: deliver what is left, then stop
	done   chan struct{} // closed when the goroutine has stopped
}

type result struct {
	id  int
	err error
}

func newReporter(fn func(id int, err error)) *reporter {
	r := &reporter{
		fn:   fn,
		wake: make(chan struct{}, 1),
		quit: make(chan struct{}),
		done: make(chan struct{}),
	}
	go r.run()
	return r
}

// add queues an outcome. After close, it is delivered on a goroutine of its
// own: late outcomes have no order to keep.
func (r *reporter) add(id int, err error) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		go r.fn(id, err)
		return
	}
	r.list = append(r.list, result{id, err})
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// close delivers every outcome added so far and stops.
func (r *reporter) close() {
	close(r.quit)
	<-r.done
}

func (r *reporter) run() {
	defer close(r.done)
	for {
		r.mu.Lock()
		batch := r.list
		r.list = nil
		r.mu.Unlock()
		for _, res := range batch {
			r.fn(res.id, res.err)
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-r.wake:
		case <-r.quit:
			if r.stopIfEmpty() {
				return
			}
		}
	}
}

// stopIfEmpty marks the reporter closed if nothing is left to deliver.
func (r *reporter) stopIfEmpty() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = len(r.list) == 0
	return r.closed
}
