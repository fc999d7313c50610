/** Flag values the commands share: key=value lists, comma lists, label selectors, durations. */

import type { LabelSelector } from '../shared/domain/schema.js';
import { parseDuration } from '../shared/go-compat/duration.js';
import { UsageError } from './errors.js';

/** "a,b, c" -> ["a","b","c"]; repeated flags are joined first. */
export function commaList(value: string | readonly string[] | undefined): string[] {
  const joined = Array.isArray(value) ? value.join(',') : ((value as string | undefined) ?? '');
  return joined
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** "env=prod,region=eu" -> { env: "prod", region: "eu" }; the control plane checks the syntax of each. */
export function keyValueList(
  flag: string,
  value: string | readonly string[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of commaList(value)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag}: "${item}" is not key=value`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

/** A Go duration ("90s", "5m") in milliseconds. */
export function durationMs(flag: string, value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new UsageError(`${flag}: "${value}" is not a duration such as 30s, 5m or 1h`);
  }
}

/**
 * kubectl's selector syntax: `env=prod,tier!=db,region in (eu,us),team notin (x),canary,!legacy`.
 * "all" or "" selects everything ({}).
 */
export function parseLabelSelector(flag: string, text: string): LabelSelector {
  const source = text.trim();
  if (source === '' || source === 'all' || source === '*') return {};
  const matchLabels: Record<string, string> = {};
  const matchExpressions: NonNullable<LabelSelector['matchExpressions']> = [];
  // Split on commas that are not inside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of source) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  for (const raw of parts.map((p) => p.trim())) {
    const requirement = parseRequirement(raw);
    if (!requirement) {
      throw new UsageError(`${flag}: cannot read "${raw}" (use k=v, k!=v, k in (a,b), k notin (a,b), k, !k)`);
    }
    if ('equals' in requirement) matchLabels[requirement.key] = requirement.equals;
    else matchExpressions.push(requirement);
  }
  return {
    ...(Object.keys(matchLabels).length ? { matchLabels } : {}),
    ...(matchExpressions.length ? { matchExpressions } : {}),
  };
}

type Requirement = { key: string; equals: string } | NonNullable<LabelSelector['matchExpressions']>[number];

const REQUIREMENTS: Array<[RegExp, (m: RegExpExecArray) => Requirement]> = [
  [
    /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/,
    (m) => ({ key: m[1]!, operator: m[2] === 'in' ? 'In' : 'NotIn', values: commaList(m[3]) }),
  ],
  [/^([^\s!=]+)\s*!=\s*(\S*)$/, (m) => ({ key: m[1]!, operator: 'NotIn', values: [m[2]!] })],
  [/^([^\s!=]+)\s*==?\s*(\S*)$/, (m) => ({ key: m[1]!, equals: m[2]! })],
  [/^!\s*([^\s!=]+)$/, (m) => ({ key: m[1]!, operator: 'DoesNotExist' })],
  [/^([^\s!=(),]+)$/, (m) => ({ key: m[1]!, operator: 'Exists' })],
];

function parseRequirement(text: string): Requirement | undefined {
  for (const [pattern, build] of REQUIREMENTS) {
    const m = pattern.exec(text);
    if (m) return build(m);
  }
  return undefined;
}

/** The inverse, for tables: {} -> "all". */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  if (!selector) return 'none';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${(e.values ?? []).join(',')})`);
  }
  return parts.length ? parts.join(',') : 'all';
}
