#!/usr/bin/env bash
# Prints the compiler or linker flags for oneDNN (`cflags` or `libs`) when its C header and library are on this
# machine (Debian: libdnnl-dev), nothing otherwise: the addon then builds with the OpenBLAS path alone.
# AUTOGAN_BUILD_NO_DNNL=1 builds without it on purpose (to test that build).
[ "${AUTOGAN_BUILD_NO_DNNL:-}" = 1 ] && exit 0
printf '#include <oneapi/dnnl/dnnl.h>\nint main(void){return dnnl_version() == 0;}\n' |
  ${CC:-cc} -x c - -o /dev/null -ldnnl -fopenmp >/dev/null 2>&1 || exit 0
case "$1" in
  cflags) echo "-DHAVE_DNNL -fopenmp" ;;
  libs) echo "-ldnnl -fopenmp" ;;
esac
