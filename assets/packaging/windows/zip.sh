#!/bin/sh
# zip.sh EXE ZIP: packs zhanggui.exe with its READMEs and licences into
# ZIP, under one folder named like the zip (zhanggui-VERSION-windows-amd64).
set -eu
exe=$(realpath "$1")
zip=$(realpath -m "$2")
root=$(cd "$(dirname "$0")/../../.." && pwd)
name=$(basename "$zip" .zip)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/licenses"
cp "$exe" "$stage/$name/zhanggui.exe"
cp "$root/assets/packaging/windows/README-Windows.txt" "$stage/$name/"
for f in README.md README.zh-CN.md; do
	if [ -f "$root/$f" ]; then cp "$root/$f" "$stage/$name/"; fi
done
"$root/assets/packaging/licenses.sh" windows >"$stage/$name/licenses/THIRD-PARTY-LICENSES.txt"
cp "$root/assets/fonts/LICENSE-DroidSansFallback.txt" "$stage/$name/licenses/"
rm -f "$zip"
(cd "$stage" && zip -q -r -9 "$zip" "$name")
echo "$zip: $(du -h "$zip" | cut -f1)"
