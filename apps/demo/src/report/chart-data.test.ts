import { tinyDenseModel } from '@dc/core/testing';
import type { PipelineReport, StageReport } from '@dc/core';
import { describe, expect, it } from 'vitest';
import type { DemoResult } from '../result.js';
import { chartData } from './chart-data.js';

const stage = (name: string, accuracy: number, bytesAfter: number, rounds?: number[]): StageReport =>
  ({ name, options: {}, seconds: 1, metrics: rounds ? { rounds: rounds.map((a, i) => ({ round: i + 1, accuracy: a })) } : {}, bytesBefore: 1000, bytesAfter, accuracy }) as unknown as StageReport;

describe('chartData', () => {
  it('gives a stage used twice (the quick preset polishes with a second dc:prune) its own steps', () => {
    const pipeline = { stages: [stage('dc:prune', 0.98, 1000, [0.97, 0.98]), stage('dc:prune', 0.982, 1000, [0.982]), stage('dc:cluster', 0.981, 1000), { ...stage('dc:encode', 0.981, 30), metrics: { fileBytes: 30 } }] } as unknown as PipelineReport;
    const result = { originalBytes: 1000, pipeline, layers: [] } as unknown as DemoResult;
    const model = tinyDenseModel(1);
    const data = chartData(result, 0.981, 0.99, [{ phase: 'baseline', model }]);
    const steps = data.accuracy.map((a) => a.step);
    expect(steps).toEqual(['baseline', 'dc:prune #1 round 1', 'dc:prune #1 round 2', 'after dc:prune #1', 'dc:prune #2 round 1', 'after dc:prune #2', 'after dc:cluster', 'after dc:encode', 'written file (sparse runtime)']);
    expect(new Set(steps).size).toBe(steps.length);
    expect(data.sizes.map((s) => [s.step, s.bytes, s.measured])).toEqual([
      ['baseline (float32)', 1000, false],
      ['dc:prune #1', 1000, false],
      ['dc:prune #2', 1000, false],
      ['dc:cluster', 1000, false],
      ['dc:encode', 30, true],
    ]);
  });
});
