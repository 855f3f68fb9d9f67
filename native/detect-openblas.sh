#!/usr/bin/env bash
# Prints the compiler or linker flags for OpenBLAS (`cflags` or `libs`) when its CBLAS header and library are on
# this machine (Debian: libopenblas-dev), nothing otherwise: the addon then computes its matrix products on its own
# loops (gemm.c). AUTOGAN_BUILD_NO_OPENBLAS=1 builds without it on purpose (to test that build).
[ "${AUTOGAN_BUILD_NO_OPENBLAS:-}" = 1 ] && exit 0
cflags=$(pkg-config --cflags openblas 2>/dev/null)
libs=$(pkg-config --libs openblas 2>/dev/null || echo -lopenblas)
printf '#include <cblas.h>\nchar *openblas_get_config(void);\nint main(void){return openblas_get_config() == 0;}\n' |
  ${CC:-cc} -x c - $cflags -o /dev/null $libs >/dev/null 2>&1 || exit 0
case "$1" in
  cflags) echo "-DHAVE_OPENBLAS $cflags" ;;
  libs) echo "$libs" ;;
esac
