/** A seeded source of uniform numbers in [0, 1). */
export type Random = () => number;

/** splitmix32: spreads a 32-bit seed so nearby seeds give unrelated streams. */
function mixSeed(state: number): number {
  let z = (state + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * xoshiro128** (Blackman & Vigna): 128 bits of state, period 2^128 − 1, fast
 * in 32-bit integer arithmetic. The same seed always yields the same
 * sequence, which is what makes a comparison's interval reproducible.
 */
export function createSeededRandom(seed: number): Random {
  let s0 = mixSeed(seed >>> 0);
  let s1 = mixSeed(s0);
  let s2 = mixSeed(s1);
  let s3 = mixSeed(s2);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  return () => {
    const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotateLeft(s3, 11);
    return result / 4294967296;
  };
}

function rotateLeft(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A seed for one named use of a base seed (FNV-1a of the label mixed in), so streams never overlap by accident. */
export function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  return mixSeed((hash ^ (seed >>> 0)) >>> 0);
}

/** A standard normal variate (Box–Muller; one of the pair, for simplicity). */
export function drawNormal(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
