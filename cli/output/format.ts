import { stringify } from 'yaml';
import { UsageError } from '../errors.js';

export type OutputFormat = 'table' | 'json' | 'yaml';

export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'table' || value === 'wide') return 'table';
  if (value === 'json' || value === 'yaml') return value;
  throw new UsageError(`-o/--output: "${value}" is not one of table, json, yaml`);
}

/** The machine-readable forms scripts rely on: stable JSON (2-space) or YAML. */
export function formatStructured(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? JSON.stringify(value, null, 2) : stringify(value).trimEnd();
}

/** "3m ago" / "in 2h": relative times read faster in a table than ISO stamps. */
export function relativeTime(iso: string | undefined, now: Date): string {
  if (!iso) return '-';
  const ms = Date.parse(iso) - now.getTime();
  if (Number.isNaN(ms)) return '-';
  const abs = Math.abs(ms);
  const unit =
    abs < 60_000
      ? `${Math.round(abs / 1000)}s`
      : abs < 3_600_000
        ? `${Math.round(abs / 60_000)}m`
        : abs < 172_800_000
          ? `${Math.round(abs / 3_600_000)}h`
          : `${Math.round(abs / 86_400_000)}d`;
  return ms < 0 ? `${unit} ago` : `in ${unit}`;
}
