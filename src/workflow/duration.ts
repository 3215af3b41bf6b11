import type { DurationDefinition } from './workflow-definition.js';

const iso = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * A spec duration in milliseconds: `{ seconds: 5 }` or ISO 8601 (`PT1M30S`, `P1D`). Years
 * and months are refused: they have no fixed length. Undefined for anything else.
 */
export function durationMs(value: DurationDefinition | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const m = iso.exec(value);
    if (!m || value === 'P' || value.endsWith('T')) return undefined;
    const [d, h, min, s] = m.slice(1).map((x) => (x ? Number(x) : 0)) as [number, number, number, number];
    return Math.round(((d * 24 + h) * 60 + min) * 60_000 + s * 1000);
  }
  if (value === null || typeof value !== 'object') return undefined;
  const { days = 0, hours = 0, minutes = 0, seconds = 0, milliseconds = 0 } = value;
  const total = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000 + milliseconds;
  return Number.isFinite(total) && total >= 0 ? total : undefined;
}
