# shellcheck shell=bash
# Source this file (do not execute it) to put the project's tools on PATH:
#   - $HOME/.cargo/bin     (cargo, rustup, wasm-pack, wasm-bindgen)
#   - <repo>/node_modules/.bin  (wasm-opt from the npm `binaryen` package; it must
#     shadow Debian's older /usr/bin/wasm-opt, so it goes first)
# Sets FP_ROOT to the repository root (not exported).

FP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

_fp_path_prepend() {
  case ":$PATH:" in
    *":$1:"*) PATH=":$PATH:"; PATH="${PATH//:$1:/:}"; PATH="${PATH#:}"; PATH="${PATH%:}" ;;
  esac
  PATH="$1${PATH:+:$PATH}"
}
_fp_path_prepend "$HOME/.cargo/bin"
_fp_path_prepend "$FP_ROOT/node_modules/.bin"
unset -f _fp_path_prepend
export PATH
