package auditlog

import (
	"strings"

	"zhanggui/app/ui/kit"
)

// breakReasons are the fixed reasons verify gives for a break (pos and
// storage word them in English, as `zhanggui audit verify` prints them);
// the screen says them in the till's language.
var breakReasons = []string{
	"the log has no event at or after this seq",
	"a closure's signature whose event is missing",
	"a closure without its signature",
	"a signature on an event that is not a closure",
	"the closure was signed by another key than this till's",
	"the closure's signature is not valid",
	"its previous hash is not the hash of the event before",
	"its content does not match its hash (changed after writing)",
	"the closure cannot be checked: till.key is missing",
}

// reasonText is a break's reason in the till's language; one this version
// does not know is shown as given.
func reasonText(r string) string {
	if rest, ok := strings.CutPrefix(r, "missing: the next event is seq "); ok {
		return kit.Tf("missing: the next event is seq %s", rest)
	}
	if rest, ok := strings.CutPrefix(r, "its hash does not begin with the slip's "); ok {
		return kit.Tf("its hash does not begin with the slip's %s", rest)
	}
	for _, known := range breakReasons {
		if r == known {
			return kit.T(known)
		}
	}
	return r
}
