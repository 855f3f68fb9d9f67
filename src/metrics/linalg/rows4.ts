/**
 * The inner kernel of the blocked products in metrics/ (the feature statistics' co-moment, the congruence of FID's
 * trace term): four rows of `out` each take a weighted sum of the same four rows of `src`, over columns
 * [from, to). The 16 weights stay in registers while the columns stream by: 16 multiply-adds per 4 loads. The sums
 * keep this order, so a product's result does not depend on which caller runs it.
 *
 *   out[o + q·oStride + j] += Σ_u w[4q + u] · src[s + u·sStride + j]     (q, u = 0…3)
 */
export function accumulateRows4(out: Float64Array, o: number, oStride: number, w: Float64Array, src: Float64Array, s: number, sStride: number, from: number, to: number): void {
  const o0 = o, o1 = o0 + oStride, o2 = o1 + oStride, o3 = o2 + oStride;
  const s0 = s, s1 = s0 + sStride, s2 = s1 + sStride, s3 = s2 + sStride;
  const w00 = w[0]!, w01 = w[1]!, w02 = w[2]!, w03 = w[3]!;
  const w10 = w[4]!, w11 = w[5]!, w12 = w[6]!, w13 = w[7]!;
  const w20 = w[8]!, w21 = w[9]!, w22 = w[10]!, w23 = w[11]!;
  const w30 = w[12]!, w31 = w[13]!, w32 = w[14]!, w33 = w[15]!;
  for (let j = from; j < to; j++) {
    const z0 = src[s0 + j]!, z1 = src[s1 + j]!, z2 = src[s2 + j]!, z3 = src[s3 + j]!;
    out[o0 + j] += w00 * z0 + w01 * z1 + w02 * z2 + w03 * z3;
    out[o1 + j] += w10 * z0 + w11 * z1 + w12 * z2 + w13 * z3;
    out[o2 + j] += w20 * z0 + w21 * z1 + w22 * z2 + w23 * z3;
    out[o3 + j] += w30 * z0 + w31 * z1 + w32 * z2 + w33 * z3;
  }
}

/** The 4 × 4 weights of `accumulateRows4` from a matrix: w[4q + u] = m[at + q·qStride + u·uStride]. */
export function weights4(w: Float64Array, m: Float64Array, at: number, qStride: number, uStride: number): Float64Array {
  for (let q = 0; q < 4; q++) for (let u = 0; u < 4; u++) w[4 * q + u] = m[at + q * qStride + u * uStride]!;
  return w;
}
