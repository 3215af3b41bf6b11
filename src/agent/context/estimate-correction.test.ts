import { describe, expect, it } from 'vitest';
import { estimateCorrection } from './estimate-correction.js';

describe('estimateCorrection', () => {
  it('is the ratio of reported to estimated prompt tokens, clamped to [0.5, 4], and 1 before any report', () => {
    expect(estimateCorrection(undefined)).toBe(1);
    expect(estimateCorrection({ estimated: 0, reported: 0 })).toBe(1);
    expect(estimateCorrection({ estimated: 1_000, reported: 1_300 })).toBe(1.3);
    expect(estimateCorrection({ estimated: 1_000, reported: 100 })).toBe(0.5);
    expect(estimateCorrection({ estimated: 100, reported: 1_000 })).toBe(4);
  });
});
