#!/bin/sh
# The reference for many small files: one presign curl and one upload curl per
# file, as a shell script would do it. Usage: curl-one.sh LOCAL REMOTE
set -eu
answer=$(curl -sS --fail -X POST "$FASTUP_API_URL/v1/workspaces/$FASTUP_WORKSPACE/files/presign-upload" \
  -H "Authorization: Bearer $FASTUP_API_KEY" -H 'Content-Type: application/json' \
  -d "{\"path\":\"$2\",\"contentType\":\"application/octet-stream\"}")
url=$(printf '%s' "$answer" | sed -E 's/.*"uploadUrl":"([^"]*)".*/\1/')
sig=$(printf '%s' "$answer" | sed -E 's/.*"X-Amz-Signature":"([^"]*)".*/\1/')
curl -sS --fail --path-as-is -o /dev/null -H 'Expect:' -T "$1" \
  -H 'Content-Type: application/octet-stream' -H "X-Amz-Signature: $sig" "$url"
