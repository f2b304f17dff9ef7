package pos

import (
	"strconv"
	"strings"
)

// BasisPoints is a rate in hundredths of a percent: a provider's fee rate
// of 0.6 % is 60. Rates are not money; they read and print as percentages.
type BasisPoints int64

// ParseRate reads a percentage with at most two decimals ("0.6", "0.38%",
// "1") as basis points, from 0 to 100 %.
func ParseRate(s string) (BasisPoints, error) {
	bp, ok := hundredths(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if !ok || bp > 100_00 {
		return 0, Errorf(CodeInvalid, "pos: rate %q is not a percentage from 0 to 100 with at most two decimals", s)
	}
	return BasisPoints(bp), nil
}

// String prints the rate as a percentage with two decimals, without the
// sign: 60 → "0.60".
func (b BasisPoints) String() string {
	return strconv.FormatInt(int64(b)/100, 10) + "." + strconv.FormatInt(100+int64(b)%100, 10)[1:]
}
