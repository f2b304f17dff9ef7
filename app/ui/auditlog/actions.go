package auditlog

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/kit"
	"zhanggui/pos"
)

// Reload lists the events the filters pick. A bad filter is said so and
// the list stays as it was.
func (s *Screen) Reload() {
	f, err := s.filter()
	if err != nil {
		s.msg.SetText(err.Error())
		s.finished()
		return
	}
	s.msg.SetText(kit.T("Loading…"))
	go func() {
		evs, err := s.deps.Events(context.Background(), f)
		fyne.Do(func() { s.showEvents(evs, err) })
	}()
}

func (s *Screen) showEvents(evs []pos.AuditEvent, err error) {
	defer s.finished()
	if err != nil {
		s.msg.SetText(kit.T("The audit log cannot be read: ") + err.Error())
		return
	}
	s.events = evs
	s.list.Refresh()
	switch {
	case len(evs) == 0:
		s.msg.SetText(kit.T("No events match."))
	case len(evs) >= 500:
		s.msg.SetText(kit.Tf("The newest %d events shown: narrow the filter to see older ones.", len(evs)))
	default:
		s.msg.SetText(kit.Tf("%d events.", len(evs)))
	}
}

// Verify checks the whole chain in the background and shows the result.
func (s *Screen) Verify() {
	s.verifyB.Disable()
	s.result.SetText(kit.T("Verifying the chain…"))
	go func() {
		v, err := s.deps.Verify(context.Background())
		fyne.Do(func() { s.showVerification(v, err) })
	}()
}

func (s *Screen) showVerification(v pos.AuditVerification, err error) {
	defer s.finished()
	s.verifyB.Enable()
	switch {
	case err != nil:
		s.result.Importance = widget.MediumImportance
		s.result.SetText(kit.T("The audit log cannot be read: ") + err.Error())
	case v.Break != nil:
		s.result.Importance = widget.DangerImportance
		s.result.SetText(kit.Tf("BROKEN at event #%d: %s. The log was changed outside 掌柜 after that event was written; keep this till's data as it is and call your dealer.",
			v.Break.Seq, reasonText(v.Break.Reason)))
	default:
		s.result.Importance = widget.SuccessImportance
		s.result.SetText(kit.Tf("The chain is whole: %d events, %d signed closures. Head %s.",
			v.Checked, v.Signatures, pos.SlipOf(v.HeadSeq, v.HeadHash)))
	}
	s.result.Refresh()
}

// finished tells a waiting test that a load or verify ended.
func (s *Screen) finished() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.done)
	s.done = make(chan struct{})
}

// Done is closed when the next load or verify ends: take it before
// starting one (tests wait on it).
func (s *Screen) Done() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done
}
