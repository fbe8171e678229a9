/**
 * Cost of a published scorer per request: building the standard-column tensor (columnLayout) and
 * the whole score call (tensor + one onnxruntime run of a linear model), at 150, 300 and 500
 * candidates, for a 10-column layout and for every standard column (59). Features are the SDK's
 * seeded synthetic fixture (50 history rows), not real data: this measures the featuriser, not
 * model quality.
 *
 *   npm run build --silent && node dist/bench/published-scorer.js
 */
import { encodeOnnxModel, linearModelSpec } from '../ml/onnx/export';
import { loadOnnxModelBytes } from '../ml/onnx/session';
import { STANDARD_COLUMNS, columnLayout } from '../plugins/sdk/columns';
import { makeFeatureFixture } from '../plugins/sdk/fixtures';
import { parseManifest } from '../publishing/manifest';
import { createPublishedScorer } from '../publishing/onnx-scorer';
import { summarise, writeBenchResult } from './stats';

const TYPICAL = [
  'log1p(item.stats.view.decayed)',
  'log1p(item.stats.click.decayed)',
  'log1p(item.stats.add_to_cart.decayed)',
  'log1p(item.stats.purchase)',
  'log1p(item.stats.revenue.decayed)',
  'item.stats.ageDays',
  'log1p(item.price)',
  'log1p(pair.co.sum)',
  'pair.category.overlap',
  'user.value.purchaseProbability',
];
const ITERATIONS = 400;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function main(): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  for (const [label, columns] of [
    ['10 columns', TYPICAL],
    ['all 59 columns', STANDARD_COLUMNS.map((c) => c.name)],
  ] as const) {
    const layout = columnLayout(columns);
    const manifest = parseManifest({ id: 'bench/linear', version: '1.0.0', features: layout.features, inputs: [{ name: 'x', columns }], output: { name: 'score' }, timeoutMs: 50 });
    const bytes = encodeOnnxModel(linearModelSpec({ inputs: [{ name: 'x', width: columns.length }], weights: new Float32Array(columns.length).fill(0.1), bias: 0, sigmoid: true }));
    const scorer = await createPublishedScorer(manifest, bytes, loadOnnxModelBytes).setup({ logger: silent, loadModel: () => Promise.reject(new Error('unused')), settings: {} });
    for (const n of [150, 300, 500]) {
      const f = makeFeatureFixture({ n, history: 50, seed: n });
      const signal = new AbortController().signal;
      const tensor: number[] = [];
      const score: number[] = [];
      for (let i = 0; i < ITERATIONS + 50; i++) {
        const t0 = performance.now();
        layout.tensor(f.features, n, f.now);
        const t1 = performance.now();
        await scorer.score({ userId: f.userId, itemIds: f.itemIds, features: f.features, now: f.now, signal });
        const t2 = performance.now();
        if (i >= 50) {
          tensor.push(t1 - t0);
          score.push(t2 - t1);
        }
      }
      const row = { layout: label, candidates: n, tensorMs: summarise(tensor), scoreMs: summarise(score) };
      rows.push(row);
      process.stdout.write(
        `${label.padEnd(15)} n=${String(n).padStart(3)}  tensor p50 ${row.tensorMs.p50} ms p99 ${row.tensorMs.p99} ms   score (tensor + run) p50 ${row.scoreMs.p50} ms p99 ${row.scoreMs.p99} ms\n`,
      );
    }
    await scorer.close?.();
  }
  process.stdout.write(`results: ${writeBenchResult('published-scorer', { iterations: ITERATIONS, node: process.version, rows })}\n`);
}

void main();
