#!/usr/bin/env bash
# Install everything the build, serve and test scripts need. Idempotent: every
# step checks first and skips what is already present, so a second run is quick.
#
#   rustup target wasm32-unknown-unknown
#   nightly toolchain with miri + rust-src (for `cargo +nightly miri test`)
#   wasm-pack (cargo install)
#   wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock
#   chromium + chromium-driver (Debian apt) for wasm-pack test and the e2e tests
#   firefox-esr (Debian apt) and geckodriver (cargo install, pinned) for the
#   Firefox stages: wasm-pack test --firefox and tests/e2e-firefox/
#   npm devDependencies (binaryen's wasm-opt, playwright-core, puppeteer-core,
#   fast-check) at the repo root
#
# Nothing is exported; scripts that need the tools `source scripts/env.sh`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install manually: $*"
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# --- base system tools -------------------------------------------------------
missing_pkgs=()
command -v curl >/dev/null 2>&1 || missing_pkgs+=(curl ca-certificates)
command -v cc >/dev/null 2>&1 || missing_pkgs+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || missing_pkgs+=(pkg-config)
if [ "${#missing_pkgs[@]}" -gt 0 ]; then apt_install "${missing_pkgs[@]}"; fi

# --- Rust toolchain ----------------------------------------------------------
if ! command -v rustup >/dev/null 2>&1; then
  say "installing rustup (stable, minimal profile)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
    | sh -s -- -y --profile minimal --default-toolchain stable -c clippy -c rustfmt
fi
command -v cargo >/dev/null 2>&1 || die "cargo not on PATH after installing rustup"

installed_components="$(rustup component list --installed 2>/dev/null || true)"
for comp in clippy rustfmt; do
  if ! grep -q "^$comp" <<<"$installed_components"; then
    say "rustup component add $comp"
    rustup component add "$comp"
  fi
done

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "ok: rust target wasm32-unknown-unknown"
else
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! rustup toolchain list | grep -q '^nightly'; then
  say "rustup toolchain install nightly --profile minimal"
  rustup toolchain install nightly --profile minimal
fi
nightly_components="$(rustup component list --installed --toolchain nightly)"
need_nightly=()
grep -q '^miri' <<<"$nightly_components" || need_nightly+=(miri)
grep -q '^rust-src' <<<"$nightly_components" || need_nightly+=(rust-src)
if [ "${#need_nightly[@]}" -gt 0 ]; then
  say "rustup component add ${need_nightly[*]} --toolchain nightly"
  rustup component add "${need_nightly[@]}" --toolchain nightly
fi
# Build Miri's sysroot now so the first test run does not pay for it.
# (Quick no-op when already built.)
say "cargo +nightly miri setup"
cargo +nightly miri setup >/dev/null 2>&1 || say "warning: 'cargo +nightly miri setup' failed; scripts/test.sh will retry"
say "ok: nightly $(cargo +nightly miri --version 2>/dev/null || echo '(miri unavailable)')"

# --- wasm-pack ---------------------------------------------------------------
if command -v wasm-pack >/dev/null 2>&1; then
  say "ok: $(wasm-pack --version)"
else
  say "cargo install wasm-pack (takes a few minutes)"
  cargo install wasm-pack
fi

# --- wasm-bindgen-cli, same version as the wasm-bindgen crate in Cargo.lock ----
if [ ! -f Cargo.lock ]; then
  say "no Cargo.lock yet: cargo generate-lockfile"
  cargo generate-lockfile || say "warning: cargo generate-lockfile failed (no src/lib.rs yet?)"
fi
wb_version=""
if [ -f Cargo.lock ]; then
  wb_version="$(awk '
    /^\[\[package\]\]/ { in_wb = 0 }
    /^name = "wasm-bindgen"$/ { in_wb = 1; next }
    in_wb && /^version = / { gsub(/"/, "", $3); print $3; exit }
  ' Cargo.lock)"
fi
if [ -z "$wb_version" ]; then
  # Fallback before the crate has a lockfile: the exact `=X.Y.Z` pin in Cargo.toml.
  wb_version="$(sed -nE 's/^wasm-bindgen[[:space:]]*=[[:space:]]*"=([0-9][^"]*)".*/\1/p' Cargo.toml | head -n1)"
  if [ -n "$wb_version" ]; then
    say "warning: no Cargo.lock; using the wasm-bindgen pin from Cargo.toml ($wb_version)"
  fi
fi
[ -n "$wb_version" ] || die "could not find the wasm-bindgen version in Cargo.lock or Cargo.toml"
have_wb=""
if command -v wasm-bindgen >/dev/null 2>&1; then
  have_wb="$(wasm-bindgen --version | awk '{print $2}')"
fi
if [ "$have_wb" = "$wb_version" ]; then
  say "ok: wasm-bindgen $have_wb (matches Cargo.lock)"
else
  say "cargo install wasm-bindgen-cli --version $wb_version (have: ${have_wb:-none}; takes a few minutes)"
  # No --locked: the CLI's own lockfile pins crates that no longer build here.
  cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

# --- Chromium + chromedriver (Debian) -----------------------------------------
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  say "ok: $(chromium --version 2>/dev/null | head -n1)"
else
  apt_install chromium chromium-driver
fi
chromium_ver="$(chromium --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+){3}' | head -n1)"
driver_ver="$(chromedriver --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+){3}' | head -n1)"
if [ "$chromium_ver" != "$driver_ver" ]; then
  die "chromium ($chromium_ver) and chromedriver ($driver_ver) differ; run: apt-get install --only-upgrade chromium chromium-driver"
fi

# --- Firefox ESR (Debian) + geckodriver (crates.io) ---------------------------
# Mozilla ships geckodriver as a crate; Debian has no package for it. Pinned so
# every machine drives Firefox the same way; a present binary of another
# version is replaced.
GECKODRIVER_VERSION=0.37.1
if command -v firefox-esr >/dev/null 2>&1; then
  say "ok: $(firefox-esr --version 2>/dev/null | head -n1)"
else
  apt_install firefox-esr
fi
have_gd=""
if command -v geckodriver >/dev/null 2>&1; then
  have_gd="$(geckodriver --version 2>/dev/null | awk 'NR == 1 { print $2 }')"
fi
if [ "$have_gd" = "$GECKODRIVER_VERSION" ]; then
  say "ok: geckodriver $have_gd"
else
  say "cargo install geckodriver --version $GECKODRIVER_VERSION --locked (have: ${have_gd:-none}; takes a few minutes)"
  cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked --force
fi

# --- Node dev dependencies ---------------------------------------------------
command -v node >/dev/null 2>&1 || apt_install nodejs npm
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "Node >= 20 is required (found $(node --version)); playwright-core needs it"
stamp=node_modules/.setup-stamp
want_stamp="$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] && [ -x node_modules/.bin/wasm-opt ]; then
  say "ok: node_modules up to date"
else
  if [ -f package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  else
    say "npm install (no package-lock.json)"
    npm install --no-audit --no-fund --loglevel=error
    want_stamp="$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)"
  fi
  printf '%s\n' "$want_stamp" >"$stamp"
fi
wasm_opt_ver="$(wasm-opt --version 2>/dev/null || true)"
case "$(command -v wasm-opt || true)" in
  "$PWD/node_modules/.bin/wasm-opt") say "ok: $wasm_opt_ver (npm binaryen)" ;;
  *) die "wasm-opt on PATH is '$(command -v wasm-opt || echo none)', expected node_modules/.bin/wasm-opt" ;;
esac

say "done"
