# 掌柜 Zhanggui. `make run` and `make test` set up a fresh Debian/Ubuntu machine
# themselves: apt packages when missing (as root, or with sudo), Go modules,
# and the services the tests need (pcscd with the virtual reader, Xvfb).

SHELL := /bin/bash
GO    ?= go
BIN   := bin/zhanggui

# Build: cgo for Fyne's GLFW driver, go-sqlite3 and ebfe/scard.
BUILD_PKGS := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
              libxinerama-dev libxi-dev libxxf86vm-dev libpcsclite-dev linux-libc-dev
# Tests: a real window under Xvfb, screenshots, PC/SC with virtual cards, zbar for comparison.
# Run: aplay for the scan beeps (the till stays silent without it).
RUN_PKGS   := alsa-utils
TEST_PKGS  := xvfb xauth xdotool imagemagick pcscd vsmartcard-vpcd zbar-tools libreoffice-calc-nogui

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# LC_MESSAGES: Fyne reads the locale at start; a bare LANG=C makes it complain on stderr
# (the till then sets its own language).
LOCALE_ENV := LC_MESSAGES=$${LC_MESSAGES:-zh_CN.UTF-8}
TEST_ENV := ZHANGGUI_REQUIRE_PCSCD=1 ZHANGGUI_REQUIRE_XVFB=1 ZHANGGUI_REQUIRE_SOFFICE=1 $(LOCALE_ENV)

.PHONY: all deps deps-build deps-test build run test bench soak screenshot fuzz clean

all: build

# apt-get only when a package is missing, so a warm machine pays nothing.
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi
endef

deps-build:
	$(call apt_install,$(BUILD_PKGS))
	@command -v $(GO) >/dev/null || { echo "Go 1.26 is required: https://go.dev/dl/"; exit 1; }
	$(GO) mod download

deps-test: deps-build
	$(call apt_install,$(TEST_PKGS))

deps: deps-test

build: deps-build
	$(GO) build -o $(BIN) .

run: build
	$(call apt_install,$(RUN_PKGS))
	$(LOCALE_ENV) ./$(BIN)

# Services for the tests: pcscd (its vpcd driver gives the virtual readers)
# and an X server for the real-window screenshot test. Both are stopped on exit.
define with_services
	@set -e; \
	pcscd_pid=; xvfb_pid=; \
	cleanup() { for p in $$xvfb_pid $$pcscd_pid; do { kill $$p 2>/dev/null && wait $$p 2>/dev/null; } || true; done; }; \
	trap cleanup EXIT; \
	start_pcscd() { mkdir -p /run/pcscd; $(SUDO) pcscd -f >/tmp/zhanggui-pcscd.log 2>&1 & pcscd_pid=$$!; }; \
	pgrep -x pcscd >/dev/null || start_pcscd; \
	for i in $$(seq 50); do \
		if pgrep -x pcscd >/dev/null; then [ -S /run/pcscd/pcscd.comm ] && break; \
		elif [ -z "$$pcscd_pid" ]; then start_pcscd; fi; \
		sleep 0.1; \
	done; \
	disp=:$$((90 + RANDOM % 100)); \
	Xvfb $$disp -screen 0 1600x900x24 -nolisten tcp >/tmp/zhanggui-xvfb.log 2>&1 & xvfb_pid=$$!; \
	export ZHANGGUI_TEST_DISPLAY=$$disp; \
	$(1)
endef

test: deps-test
	$(call with_services,$(TEST_ENV) $(GO) test -count=1 -timeout 30m ./...)

bench: deps-test
	$(call with_services,$(GO) test -run '^$$' -bench . -benchtime 2s -timeout 60m ./... | tee bench.txt)

screenshot: deps-test build
	$(call with_services,$(TEST_ENV) ZHANGGUI_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run TestScreenshots -v ./app/)

# SOAK=10m make soak
soak: deps-test
	$(call with_services,ZHANGGUI_SOAK=$${SOAK:-2m} $(GO) test -count=1 -run '^TestSoak$$' -v -timeout 0 ./sync/soak/)

# Every fuzz test in the tree (found, not listed, so none is forgotten) for
# FUZZTIME each (default 10s); their seeds also run in make test.
# FUZZ=FuzzVerifyNotification narrows it to the names matching.
FUZZTIME ?= 10s
FUZZ ?= .
fuzz: deps-build
	@set -e; grep -rlE '^func Fuzz' --include='*_test.go' . | sort | while read -r f; do \
		for fn in $$(grep -oE '^func Fuzz[A-Za-z0-9_]+' "$$f" | cut -c6- | grep -E '$(FUZZ)'); do \
			echo "== $$(dirname $$f) $$fn"; $(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) ./$$(dirname $$f); \
		done; done

clean:
	rm -rf bin
