/**
 * What the domain asks of a secret provider, in its own terms: the reads and finds a spec plans
 * and the values rendering works on. The SecretProvider port speaks these types; the domain owns them.
 */

/** One value to read: `version` is a provider version id, a stage (AWSCURRENT) or a Vault version. */
export interface ReadRequest {
  key: string;
  version?: string;
  /** Ask for tags/metadata too (ESO's metadataPolicy: Fetch). */
  fetchMetadata?: boolean;
}

export interface SecretPayload {
  key: string;
  /** Raw bytes: UTF-8 of a SecretString, or the SecretBinary / the Vault JSON document. */
  value: Uint8Array;
  isBinary: boolean;
  versionId?: string;
  versionStages?: string[];
  tags?: Record<string, string>;
}

export interface FindQuery {
  /** Name/path prefix. */
  path?: string;
  nameRegexp?: string;
  tags?: Record<string, string>;
  /**
   * The reading store's policy allows only keys starting with one of these prefixes: a provider
   * that can list by prefix lists only under them, so a find never enumerates names the reader
   * may not see. Absent = no restriction. The caller still checks every result against the policy.
   */
  within?: string[];
}
