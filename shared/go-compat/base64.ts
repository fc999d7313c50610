/**
 * Base64 exactly as Go's encoding/base64 decodes it (StdEncoding / URLEncoding: padding required,
 * CR and LF ignored, trailing bits not checked). Node's Buffer is lenient and would accept input
 * ESO rejects, so decodingStrategy and b64dec use this instead.
 */
const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export type Base64Result = { ok: true; bytes: Uint8Array } | { ok: false; offset: number };

export function decodeGoBase64(input: string, variant: 'std' | 'url'): Base64Result {
  const alphabet = variant === 'std' ? STD : URL;
  const out: number[] = [];
  let si = 0;
  const n = input.length;
  const skipNewlines = () => {
    while (si < n && (input[si] === '\n' || input[si] === '\r')) si++;
  };
  for (;;) {
    const quantum: number[] = [];
    let j = 0;
    for (; j < 4; j++) {
      skipNewlines();
      if (si === n) {
        if (j === 0) return { ok: true, bytes: Uint8Array.from(out) };
        return { ok: false, offset: si - j };
      }
      const c = input[si] as string;
      si++;
      const v = alphabet.indexOf(c);
      if (v >= 0 && c.charCodeAt(0) < 128) {
        quantum.push(v);
        continue;
      }
      if (c !== '=') return { ok: false, offset: si - 1 };
      // Padding: only in the last two positions of a quantum.
      if (j === 0 || j === 1) return { ok: false, offset: si - 1 };
      if (j === 2) {
        skipNewlines();
        if (si === n) return { ok: false, offset: n };
        if (input[si] !== '=') return { ok: false, offset: si - 1 };
        si++;
      }
      skipNewlines();
      if (si < n) return { ok: false, offset: si };
      break;
    }
    const [a = 0, b = 0, c = 0, d = 0] = quantum;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    out.push((bits >> 16) & 0xff);
    if (quantum.length > 2) out.push((bits >> 8) & 0xff);
    if (quantum.length > 3) out.push(bits & 0xff);
    if (j < 4) return { ok: true, bytes: Uint8Array.from(out) };
  }
}

export function encodeStdBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
