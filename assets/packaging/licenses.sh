#!/bin/sh
# licenses.sh GOOS: prints the licence texts of everything linked into the
# zhanggui binary for GOOS (amd64): each Go module it imports, from the
# module cache, the Go standard library and the bundled font. Both packages
# ship the result, as the modules' BSD/MIT/Apache licences ask.
set -eu
goos=$1
cd "$(dirname "$0")/../.."
echo "Licences of the software in zhanggui for $goos/amd64, one module after another."
echo
echo "==== the Go standard library and runtime ($(go env GOVERSION))"
cat "$(go env GOROOT)/LICENSE"
GOOS=$goos GOARCH=amd64 CGO_ENABLED=1 go list -deps \
	-f '{{with .Module}}{{if not .Main}}{{.Path}}@{{.Version}} {{.Dir}}{{end}}{{end}}' . |
	sort -u | while read -r mod dir; do
		case $dir in "$PWD"/*) continue ;; esac # a module of this repository (go.mod replace)
		echo
		echo "==== $mod"
		found=
		for f in "$dir"/LICENSE* "$dir"/LICENCE* "$dir"/COPYING* "$dir"/NOTICE*; do
			[ -f "$f" ] || continue
			cat "$f"
			found=1
		done
		if [ -z "$found" ]; then
			echo "no licence file in $mod" >&2
			exit 1
		fi
	done
echo
echo "==== Droid Sans Fallback (assets/fonts/DroidSansFallbackFull.ttf)"
cat assets/fonts/LICENSE-DroidSansFallback.txt
