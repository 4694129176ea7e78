#!/usr/bin/env bash
# Refresh the vendored socket.io browser client from the npm registry. Run by hand
# when upgrading: the file is committed, so setup and run time need no npm and no CDN.
# Rasa 3.6 ships python-socketio 5, which speaks to socket.io-client 3.x and 4.x.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.8.4
SHA256=d5d79a35039e860b32bdef4795528b05c2f788d4b2d9dacc913120e2878f7b3f  # dist/socket.io.min.js
DEST=web/static/vendor/socket.io
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "socket.io-client@$VERSION" >/dev/null && tar xzf "socket.io-client-$VERSION.tgz")
echo "$SHA256  $tmp/package/dist/socket.io.min.js" | sha256sum -c --quiet -
mkdir -p "$DEST"
cp "$tmp/package/dist/socket.io.min.js" "$tmp/package/LICENSE" "$DEST/"
echo "vendored socket.io-client $VERSION into $DEST"
