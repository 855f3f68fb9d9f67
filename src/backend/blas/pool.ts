/**
 * MaxPool and AvgPool (forward: the Inception network's pools) for the cpu-blas backend, NHWC with the
 * channel axis as the innermost, contiguous loop; the stock kernels walk one channel at a time across
 * strided pixels. Same semantics as the stock ones: 'same' padding averages only the pixels inside the image.
 */
import * as tf from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { floats, size, stock, zeroedOutputArray, type Args } from './tensor-data.js';

function poolKernel(type: 'MaxPool' | 'AvgPool'): tf.KernelFunc {
  const fallback = stock(type);
  return (args: Args) => {
    const backend = args.backend as MathBackendCPU;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const xv = floats(backend, x);
    if (!xv || x.shape.length !== 4) return fallback(args);
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as {
      filterSize: [number, number] | number;
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const c = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const C = c.inChannels;
    const y = zeroedOutputArray(backend, size(c.outShape));
    const max = type === 'MaxPool';
    for (let b = 0, o = 0; b < c.batchSize; b++) {
      for (let oy = 0; oy < c.outHeight; oy++) {
        const y0 = oy * c.strideHeight - c.padInfo.top;
        const [r0, r1] = [Math.max(0, y0), Math.min(c.inHeight, y0 + c.effectiveFilterHeight)];
        for (let ox = 0; ox < c.outWidth; ox++, o += C) {
          const x0 = ox * c.strideWidth - c.padInfo.left;
          const [c0, c1] = [Math.max(0, x0), Math.min(c.inWidth, x0 + c.effectiveFilterWidth)];
          if (max) y.fill(-Infinity, o, o + C);
          for (let r = r0; r < r1; r++) {
            for (let q = c0; q < c1; q++) {
              const i = ((b * c.inHeight + r) * c.inWidth + q) * C;
              if (max) {
                for (let k = 0; k < C; k++) if (xv[i + k]! > y[o + k]!) y[o + k] = xv[i + k]!;
              } else {
                for (let k = 0; k < C; k++) y[o + k]! += xv[i + k]!;
              }
            }
          }
          if (!max) {
            const n = (r1 - r0) * (c1 - c0);
            for (let k = 0; k < C; k++) y[o + k]! /= n;
          }
        }
      }
    }
    return backend.makeTensorInfo(c.outShape, 'float32', y);
  };
}

export function poolKernels(): Record<string, tf.KernelFunc> {
  return { MaxPool: poolKernel('MaxPool'), AvgPool: poolKernel('AvgPool') };
}
