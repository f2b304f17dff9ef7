package app

import (
	"log/slog"
	"os"
	"strings"

	"zhanggui/app/ui"
	"zhanggui/hardware/beep"
	"zhanggui/pos"
)

// displayDeps turns the customer display on or off: ZHANGGUI_CUSTOMER_DISPLAY
// (1/on/0/off) when set, else on in the demo shop, where a trainer wants to
// see what the customer sees, and off in a real shop until asked for.
func displayDeps(st pos.Settings) ui.DisplayDeps {
	on := st.Demo
	if v, ok := os.LookupEnv("ZHANGGUI_CUSTOMER_DISPLAY"); ok {
		on = envOn(v)
	}
	return ui.DisplayDeps{Enabled: on, Screen: newWindowScreen()}
}

// scanBeep is the scan feedback through the system's sound player; nil
// (silent) when ZHANGGUI_BEEP is 0/off.
func scanBeep(log *slog.Logger) func(ok bool) {
	if v, ok := os.LookupEnv("ZHANGGUI_BEEP"); ok && !envOn(v) {
		return nil
	}
	return beep.New(beep.Options{Log: log}).Scan
}

// envOn reads a yes/no environment value; anything but 0/off/false/no is on.
func envOn(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "0", "off", "false", "no":
		return false
	}
	return true
}
