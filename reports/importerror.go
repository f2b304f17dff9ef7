package reports

// RowReasons lists the problems as the screen shows them, one per row
// problem, in the user's language (Chinese).
func (e *ImportError) RowReasons() []string {
	out := make([]string, len(e.Rows))
	for i, r := range e.Rows {
		out[i] = r.String()
	}
	return out
}
