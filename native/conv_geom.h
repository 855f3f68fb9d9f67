/* Convolution geometry shared by the OpenBLAS path (blas.c) and the oneDNN path (dnnl_conv.c). */
#ifndef CONV_GEOM_H
#define CONV_GEOM_H

/* NHWC activations, filters [fH, fW, inC, outC] (tfjs's HWIO); the order of the JS side's Int32Array. */
typedef struct {
  int batch, inH, inW, inC, outH, outW, outC, fH, fW, strideH, strideW, dilH, dilW, padTop, padLeft;
} Geom;
#define GEOM_LEN 15

#endif
