#!/bin/sh
# Refresh the QR decoder of the lead-capture page from the npm registry: the built file of the jsqr
# package and its licence are copied into static/ (the page never loads anything from a CDN).
# Usage: scripts/vendor_jsqr.sh [version]   (default: the pinned version below)
set -eu
VERSION="${1:-1.4.0}"
DEST="$(cd "$(dirname "$0")/.." && pwd)/static/fairs/leads/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack "jsqr@$VERSION" --silent >/dev/null && tar xzf "jsqr-$VERSION.tgz")
mkdir -p "$DEST"
cp "$TMP/package/dist/jsQR.js" "$DEST/jsQR.js"
cp "$TMP/package/LICENSE" "$DEST/jsQR.LICENSE"
echo "jsqr $VERSION" > "$DEST/jsQR.VERSION"
echo "vendored jsqr $VERSION into $DEST"
