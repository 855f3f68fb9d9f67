#!/usr/bin/env bash
# System packages: a C compiler with make and Python (build-essential, python3: what node-gyp builds the native
# addon with, native/, on every `npm ci`); OpenBLAS and oneDNN for the native fast path (the `blas` backend; oneDNN's
# primitives compute its convolutions, OpenBLAS the matrix products and the convolutions where oneDNN is absent;
# without either the addon computes them on its own, slower loops, and without a C compiler the pure tfjs backends
# serve, several times slower still);
# and chromium, which the report's browser test (test/report-run.test.ts) drives
# headless and which that test needs: without it the test fails saying how to install it; and redis-server, which
# the worker pool's tests (test/queue-pool.test.ts) start on a free port of their own (never as a service), with
# openssl making the certificates of the TLS test (test/queue-tls.test.ts); and NumPy with SciPy, the independent
# float64 reference of the metrics' cross-checks (test/support/python.ts), which fail in CI where they are missing.
set -uo pipefail
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-system-deps: no root apt-get here; skipping build-essential, python3, libopenblas-dev, libdnnl-dev, chromium, redis-server, openssl, python3-numpy and python3-scipy"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq build-essential python3 >/dev/null \
  && echo "install-system-deps: build-essential and python3 (the native addon's compiler) installed" \
  || echo "install-system-deps: build-essential or python3 did not install; without a C compiler the pure tfjs backends serve"
apt-get install -y -qq libopenblas-dev >/dev/null \
  && echo "install-system-deps: libopenblas-dev installed" \
  || echo "install-system-deps: libopenblas-dev did not install; the blas backend will compute its products on its own loops"
apt-get install -y -qq libdnnl-dev >/dev/null \
  && echo "install-system-deps: libdnnl-dev (oneDNN) installed" \
  || echo "install-system-deps: libdnnl-dev did not install; the blas backend will compute convolutions on OpenBLAS"
apt-get install -y -qq chromium >/dev/null \
  && echo "install-system-deps: chromium installed" \
  || echo "install-system-deps: chromium did not install; the report's browser test will fail until it is"
apt-get install -y -qq redis-server openssl >/dev/null \
  && echo "install-system-deps: redis-server and openssl installed" \
  || echo "install-system-deps: redis-server or openssl did not install; the queue tests will fail until they are"
apt-get install -y -qq python3-numpy python3-scipy >/dev/null \
  && echo "install-system-deps: python3-numpy and python3-scipy installed" \
  || echo "install-system-deps: python3-numpy or python3-scipy did not install; the SciPy cross-checks will fail until they are"
