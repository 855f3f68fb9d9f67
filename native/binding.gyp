{
  "targets": [
    {
      "target_name": "blas",
      "sources": ["blas.c", "gemm.c", "elementwise.c", "dnnl_conv.c", "dnnl_resample.c", "dnnl_norm.c", "instance_norm.c", "param_updates.c", "resample2x.c"],
      # -fno-trapping-math: nothing here reads the floating-point exception flags, and without it GCC keeps a select
      # between two computed values as a branch (elementwise.c's tanh stayed scalar). Results are unchanged by it.
      "cflags": ["-O3", "-ffp-contract=off", "-fno-trapping-math", "<!@(bash detect-openblas.sh cflags)", "<!@(bash detect-dnnl.sh cflags)", "<!@(bash detect-openmp.sh)"],
      "libraries": ["<!@(bash detect-openblas.sh libs)", "<!@(bash detect-dnnl.sh libs)", "<!@(bash detect-openmp.sh)"]
    }
  ]
}
