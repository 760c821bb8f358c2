#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian 12, and only what is missing:
# Debian packages (build tools, libraries, PostgreSQL 15, Node.js, Chromium, CJK fonts, nginx
# with its RTMP module and ffmpeg for the live video)
# and the npm packages of the test harness (tests/node_modules) and of the pages (web/node_modules).
#
# Idempotent and quiet: one line when everything is in place, the full output when a step
# fails. Run as root, or as a user with sudo.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

packages=(
  build-essential cmake pkg-config python3 clang-format
  libwebsockets-dev libwebsockets-evlib-ev libev-dev libpq-dev libjansson-dev libgd-dev libssl-dev libcmocka-dev
  libcurl4-openssl-dev
  postgresql-15 postgresql-client-15
  chromium fonts-noto-cjk
  nginx libnginx-mod-rtmp ffmpeg
  iproute2
)
# More for one target only (make fuzz: clang and its libFuzzer runtime).
# shellcheck disable=SC2206  # a space-separated list of package names
packages+=(${FAIR_DEPS_EXTRA:-})

# Node.js may come from elsewhere (NodeSource ships npm inside its nodejs package, and Debian's
# npm conflicts with it): any node >= 18 with npm on PATH will do.
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 1
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || return 1
  [ "$major" -ge 18 ]
}
node_ok || packages+=(nodejs npm)

# Every step's output goes to a log that is shown only when something fails.
log=$(mktemp "${TMPDIR:-/tmp}/fair-deps.XXXXXX")
trap 'rm -f "$log"' EXIT

fail() {
  echo "deps: FAILED: $*" >&2
  echo "----- output -----" >&2
  cat "$log" >&2
  echo "------------------" >&2
  exit 1
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done

done_what=()
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "deps: missing Debian packages: ${missing[*]}" >&2
    echo "deps: run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  # Recommends are left out: they drag in desktop pieces (and start services) nobody here uses.
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$log" 2>&1 \
    || fail "apt-get update"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "${missing[@]}" >>"$log" 2>&1 \
    || fail "apt-get install ${missing[*]}"
  done_what+=("installed ${missing[*]}")
fi

node_ok || fail "node >= 18 and npm are still not on PATH after installing"

# npm ci when node_modules is missing or older than the lock file; node_modules is touched
# afterwards so its time stamp says when it was last brought in line with the lock. tests/ has
# the test harness's packages, web/ those the pages are built with (make build bundles them).
for dir in tests web; do
  folder="$repo/$dir"
  [ -f "$folder/package-lock.json" ] || continue
  if [ ! -d "$folder/node_modules" ] || [ "$folder/package-lock.json" -nt "$folder/node_modules" ]; then
    # playwright-core never downloads a browser, but say so in case a dependency tries.
    (cd "$folder" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) >>"$log" 2>&1 \
      || fail "npm ci in $dir/"
    touch "$folder/node_modules"
    done_what+=("npm ci in $dir/")
  fi
done

if [ ${#done_what[@]} -eq 0 ]; then
  echo "deps: all present"
else
  printf -v summary '%s; ' "${done_what[@]}"
  echo "deps: ok (${summary%; })"
fi
