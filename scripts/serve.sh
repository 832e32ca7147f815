#!/usr/bin/env bash
# One command: install what is missing, build the release wasm package, and serve
# the playground at http://127.0.0.1:8000/ (or --port N; PORT env also works).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

serve_args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --port|-p) serve_args+=(--port "${2:?--port needs a value}"); shift 2 ;;
    --port=*) serve_args+=("$1"); shift ;;
    -h|--help) echo "usage: bash scripts/serve.sh [--port N]"; exit 0 ;;
    *) echo "serve.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh
bash scripts/build.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh
exec node scripts/serve.mjs "${serve_args[@]}"
