package pcsc

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ebfe/scard"

	"zhanggui/hardware/nfc"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		err     error
		want    error
		message string
	}{
		{scard.ErrNoService, nfc.ErrNoService, "pcscd 未运行，请启动智能卡服务"},
		{scard.ErrServiceStopped, nfc.ErrNoService, "pcscd 未运行，请启动智能卡服务"},
		{scard.ErrNoReadersAvailable, nfc.ErrNoReader, "未检测到读卡器，请检查读卡器连接"},
		{scard.ErrReaderUnavailable, nfc.ErrNoReader, "未检测到读卡器，请检查读卡器连接"},
		{scard.ErrNoSmartcard, nfc.ErrNoCard, "请将卡片放在读卡器上"},
		{scard.ErrRemovedCard, nfc.ErrCardRemoved, "卡片已移开，请重新刷卡"},
		{scard.ErrResetCard, nfc.ErrCardReset, "卡片已移开，请重新刷卡"},
		{scard.ErrSharingViolation, scard.ErrSharingViolation, "读卡失败，请重新刷卡"},
	}
	for _, tt := range tests {
		err := wrap("connect", tt.err)
		if !errors.Is(err, tt.want) || !errors.Is(err, tt.err) {
			t.Errorf("wrap(%v) = %v, want it to wrap %v and %v", tt.err, err, tt.want, tt.err)
		}
		if !strings.HasPrefix(err.Error(), "pcsc: connect: ") || !strings.Contains(err.Error(), tt.err.Error()) {
			t.Errorf("wrap(%v) says %q", tt.err, err)
		}
		if got := nfc.ChineseMessage(err); got != tt.message {
			t.Errorf("ChineseMessage(%v) = %q, want %q", err, got, tt.message)
		}
	}
	if got := scard.ErrNoService.Error(); got != "scard: Service not available." {
		t.Errorf("scard.ErrNoService says %q; SETUP-NOTES.md quotes it", got)
	}
	plain := fmt.Errorf("boom")
	if err := wrap("transmit", plain); !errors.Is(err, plain) || err.Error() != "pcsc: transmit: boom" {
		t.Errorf("wrap(boom) = %v", err)
	}
}
