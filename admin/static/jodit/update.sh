#!/usr/bin/env bash
# Copies Jodit's built editor (MIT; https://xdsoft.net/jodit/) from the npm
# registry into this folder, where the binary embeds it: the back office
# loads nothing from outside. Run again with another VERSION to update, and
# say in the commit why.
set -euo pipefail
VERSION="${VERSION:-4.15.13}"
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "jodit@$VERSION" >/dev/null && tar xzf "jodit-$VERSION.tgz")
cp "$tmp/package/es2021/jodit.min.js" "$tmp/package/es2021/jodit.min.css" .
cp "$tmp/package/LICENSE.txt" LICENSE.txt 2>/dev/null || cp "$tmp"/package/LICENSE* LICENSE.txt
echo "$VERSION" > VERSION
echo "jodit $VERSION copied"
