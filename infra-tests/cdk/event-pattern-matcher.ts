/**
 * EventBridge's pattern matching for the filters our rules use, so fixtures can be matched offline
 * (TestEventPattern needs an AWS endpoint). Semantics, per the EventBridge User Guide:
 * - every field named in the pattern must match; fields the pattern does not name are ignored;
 * - a field's value matches an array of filters if it matches any one of them; an event value
 *   that is an array matches if any of its elements does;
 * - a nested pattern object matches a nested event object field by field;
 * - exact values compare by type and value (case-sensitive); `null` matches a JSON null;
 * - `{exists: false}` matches only an absent field, `{exists: true}` any present leaf.
 * An operator outside this subset throws, so a pattern can never pass by being misunderstood.
 */
import type { EventPattern, EventPatternMatcher } from '../../cdk/event-patterns.js';

/** A pattern uses something this matcher does not implement. */
export class UnsupportedPatternError extends Error {
  override readonly name = 'UnsupportedPatternError';
}

const ABSENT = Symbol('absent');
const SUPPORTED_OPERATORS = new Set(['exists', 'prefix', 'suffix', 'equals-ignore-case', 'anything-but']);
type Value = unknown;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function leafMatches(filter: EventPatternMatcher, value: Value): boolean {
  if (filter === null || typeof filter !== 'object') {
    if (value === ABSENT) return false;
    const candidates = Array.isArray(value) ? value : [value];
    return candidates.some((c) => c === filter);
  }
  const keys = Object.keys(filter);
  if (keys.length !== 1 || !SUPPORTED_OPERATORS.has(keys[0]!)) {
    throw new UnsupportedPatternError(`unsupported filter ${JSON.stringify(filter)}`);
  }
  if ('exists' in filter) {
    // exists applies to leaves: an object value is not a leaf that "exists" for EventBridge.
    const present = value !== ABSENT && !isPlainObject(value);
    return filter.exists ? present : value === ABSENT;
  }
  if (value === ABSENT) {
    // anything-but does not match an absent field either.
    return false;
  }
  const candidates = Array.isArray(value) ? value : [value];
  if ('prefix' in filter) return candidates.some((c) => typeof c === 'string' && c.startsWith(filter.prefix));
  if ('suffix' in filter) return candidates.some((c) => typeof c === 'string' && c.endsWith(filter.suffix));
  if ('equals-ignore-case' in filter) {
    const want = filter['equals-ignore-case'].toLowerCase();
    return candidates.some((c) => typeof c === 'string' && c.toLowerCase() === want);
  }
  if ('anything-but' in filter) {
    const excluded = ([] as string[]).concat(filter['anything-but']);
    return candidates.some((c) => !excluded.includes(c as string));
  }
  throw new UnsupportedPatternError(`unsupported filter ${JSON.stringify(filter)}`);
}

function fieldMatches(pattern: EventPattern[string], value: Value, path: string): boolean {
  if (Array.isArray(pattern)) {
    if (pattern.length === 0)
      throw new UnsupportedPatternError(`${path}: an empty filter array never matches`);
    return pattern.some((filter) => leafMatches(filter, value));
  }
  if (isPlainObject(pattern)) {
    if (!isPlainObject(value)) return false;
    return objectMatches(pattern as EventPattern, value, path);
  }
  throw new UnsupportedPatternError(`${path}: a pattern field must be an array or an object`);
}

function objectMatches(pattern: EventPattern, event: Record<string, unknown>, path: string): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key.startsWith('$')) throw new UnsupportedPatternError(`${path}${key}: ${key} is not supported`);
    const value = Object.hasOwn(event, key) ? event[key] : ABSENT;
    return fieldMatches(sub, value, `${path}${key}.`);
  });
}

/** Whether EventBridge would deliver `event` to a rule with `pattern`. */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isPlainObject(event)) return false;
  return objectMatches(pattern, event, '');
}
