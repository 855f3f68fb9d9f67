#!/usr/bin/env bash
# Builds the optional native addon (native/) behind the `blas` backend; run by `npm install`/`npm ci` and by
# `npm run build`. It needs a C compiler; OpenBLAS and oneDNN make it faster where installed. Never fails: without
# the addon the pure tfjs backends serve.
cd "$(dirname "$0")/../native" || exit 0
addon=build/Release/blas.node
if [ -f "$addon" ] && [ -z "$(find ./*.c ./*.h binding.gyp ./*.sh -newer "$addon")" ]; then exit 0; fi
if ! command -v node-gyp >/dev/null; then
  echo "native: node-gyp not found (run this through npm: npm run build:native); the blas backend is unavailable"
  exit 0
fi
if node-gyp rebuild >build.log 2>&1; then
  if [ -n "$(bash detect-openblas.sh cflags)" ]; then blas="on OpenBLAS"; else blas="on its own loops (install libopenblas-dev for OpenBLAS's faster ones)"; fi
  if [ -n "$(bash detect-dnnl.sh cflags)" ]; then with="with oneDNN's convolutions"; else with="without oneDNN (install libdnnl-dev for its faster convolutions)"; fi
  [ -n "$(bash detect-openmp.sh)$(bash detect-dnnl.sh cflags)" ] || with="$with, on one core (the compiler has no OpenMP)"
  echo "native: built the addon $blas, $with; the blas backend is available"
else
  rm -rf build
  echo "native: addon not built (see native/build.log; it needs a C compiler); the pure tfjs backends serve"
fi
exit 0
