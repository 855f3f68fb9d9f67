#!/usr/bin/env bash
# Prints the flag, for the compiler and the linker alike, that builds the addon's own loops (elementwise, instance
# norm, the built-in matrix product) with OpenMP when the compiler has it (GCC's libgomp; clang needs libomp); nothing
# without it, and nothing with AUTOGAN_BUILD_NO_OPENMP=1 (to build and test that fallback on a machine that has it;
# oneDNN brings OpenMP with it, detect-dnnl.sh, so that takes AUTOGAN_BUILD_NO_DNNL=1 too).
[ "${AUTOGAN_BUILD_NO_OPENMP:-}" = 1 ] && exit 0
printf '#include <omp.h>\nint main(void){return omp_get_max_threads() < 1;}\n' |
  ${CC:-cc} -x c - -o /dev/null -fopenmp >/dev/null 2>&1 || exit 0
echo "-fopenmp"
