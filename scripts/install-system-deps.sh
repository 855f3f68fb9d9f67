#!/usr/bin/env bash
# System libraries for the optional native fast path: OpenBLAS for the `blas` backend (native/).
# None is required: where this fails, the pure tfjs backends serve.
set -uo pipefail
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-system-deps: no root apt-get here; skipping libopenblas-dev"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq libopenblas-dev >/dev/null \
  || { echo "install-system-deps: libopenblas-dev did not install; the pure backends will serve"; exit 0; }
echo "install-system-deps: libopenblas-dev installed"
