/** A target Secret as rendering produced it: bytes in `data`, nothing base64 yet. */
export interface RenderedSecret {
  name: string;
  type: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Keys in code-unit order, so equal inputs give byte-equal output. */
  data: Record<string, Uint8Array>;
  immutable: boolean;
  /** `${storeName}/${key}` -> provider version id of every value that went in (when the provider told it). */
  versions: Record<string, string>;
}
