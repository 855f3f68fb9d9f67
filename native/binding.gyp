{
  "targets": [
    {
      "target_name": "blas",
      "sources": ["blas.c", "elementwise.c"],
      "cflags": ["-O3", "<!@(pkg-config --cflags openblas 2>/dev/null || true)"],
      "libraries": ["<!@(pkg-config --libs openblas 2>/dev/null || echo -lopenblas)"]
    }
  ]
}
