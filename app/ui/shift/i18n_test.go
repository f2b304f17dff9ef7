package shift

import (
	"testing"

	"zhanggui/app/ui/kit/kittest"
)

func TestTranslations(t *testing.T) {
	var extra []string
	for _, n := range tenderNames {
		extra = append(extra, n)
	}
	for _, n := range moveNames {
		extra = append(extra, n)
	}
	extra = append(extra, moveReasons...)
	extra = append(extra, "Sales", "Discounts", "Voids", "Paid in", "Paid out", "Drops", "Drawer opens",
		"Reprints", "Approvals", "Resolved from 待确认")
	kittest.CheckTranslations(t, ".", extra...)
}
