{
  "targets": [
    {
      "target_name": "blas",
      "sources": ["blas.c", "elementwise.c", "dnnl_conv.c", "dnnl_resample.c", "dnnl_norm.c", "instance_norm.c", "param_updates.c"],
      "cflags": ["-O3", "-ffp-contract=off", "<!@(pkg-config --cflags openblas 2>/dev/null || true)", "<!@(bash detect-dnnl.sh cflags)"],
      "libraries": ["<!@(pkg-config --libs openblas 2>/dev/null || echo -lopenblas)", "<!@(bash detect-dnnl.sh libs)"]
    }
  ]
}
