package staff

import (
	"testing"

	"zhanggui/app/ui/kit/kittest"
)

// Every string the staff screens show has its Chinese.
func TestTranslations(t *testing.T) {
	extra := []string{}
	for _, s := range actionNames {
		extra = append(extra, s)
	}
	for _, m := range messages {
		extra = append(extra, m.text)
	}
	kittest.CheckTranslations(t, ".", extra...)
}
