#!/usr/bin/env node
// The reference figures for `edgegate bench onnx` and `edgegate bench pipeline`: the same models
// in onnxruntime-node (the npm package our libonnxruntime.so.1 comes from), one intra-op and one
// inter-op thread, spinning off, all graph optimisations, the same deterministic input.
// Prints each model alone, then the per-face chain (detect, landmarks, embedding, liveness run
// back to back, as the pipeline does).
//
//   node tools/bench-ort-node.mjs [--runs 200] [--warmup 10] [--inputs <dir>]
//
// Model speed depends on the input values (denormals), so compare like with like: by default both
// sides use the deterministic input of `edgegate bench onnx`; with --inputs, the raw float32 files that
// `edgegate bench pipeline --save-inputs <dir>` wrote from a real photo.
//
// onnxruntime-node is installed from the pinned tarball in .deps/npm into .deps/ort-node.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'models', 'manifest.json'), 'utf8'));
const runtimePackage = manifest.runtime.package;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const runs = option('--runs', 200);
const inputsAt = args.indexOf('--inputs');
const inputsDirectory = inputsAt >= 0 ? args[inputsAt + 1] : null;
const warmup = option('--warmup', 10);

const prefix = join(root, '.deps', 'ort-node');
const tarball = join(root, '.deps', 'npm', `${runtimePackage.replace('@', '-')}.tgz`);
if (!existsSync(join(prefix, 'node_modules', 'onnxruntime-node'))) {
  if (!existsSync(tarball)) {
    console.error(`bench-ort-node: ${tarball} is missing: run ./build.sh setup first`);
    process.exit(2);
  }
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', prefix, tarball], { stdio: 'inherit' });
}
const ort = createRequire(join(prefix, 'node_modules', '/'))('onnxruntime-node');

const sessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
};

// Element i = (float)(sin(i·0.001)·0.9), as OnnxBenchmark.FillDeterministic.
const deterministic = (length) => Float32Array.from({ length }, (_, i) => Math.fround(Math.sin(i * 0.001) * 0.9));

const savedInput = (key, length) => {
  const bytes = readFileSync(join(inputsDirectory, `${key}.bin`));
  if (bytes.length !== length * 4) {
    throw new Error(`${key}.bin holds ${bytes.length} bytes, the model takes ${length * 4}`);
  }
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
};

const percentile = (sorted, fraction) => {
  const position = fraction * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
};
const describe = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${percentile(sorted, 0.5).toFixed(3)}  p90 ${percentile(sorted, 0.9).toFixed(3)}  min ${sorted[0].toFixed(3)}`;
};

const keys = ['detect', 'landmarks', 'embedding', 'liveness'];
const models = {};
for (const key of keys) {
  const entry = manifest.models[key];
  const session = await ort.InferenceSession.create(join(root, 'models', entry.file), sessionOptions);
  const feeds = {};
  for (const input of entry.inputs) {
    const length = input.shape.reduce((a, b) => a * b, 1);
    const data = inputsDirectory ? savedInput(key, length) : deterministic(length);
    feeds[input.name] = new ort.Tensor('float32', data, input.shape);
  }
  models[key] = { session, feeds };
}

console.log(`${runtimePackage}, intra-op 1, inter-op 1, spinning off; ${runs} runs after ${warmup} warm-up (ms); input: ${inputsDirectory ?? 'deterministic'}`);
const time = async (run) => {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
};
for (const key of keys) {
  const { session, feeds } = models[key];
  for (let i = 0; i < warmup; i++) await session.run(feeds);
  const values = [];
  for (let i = 0; i < runs; i++) values.push(await time(() => session.run(feeds)));
  console.log(`${key.padEnd(10)} alone  ${describe(values)}`);
}

const perStage = Object.fromEntries(keys.map((key) => [key, []]));
const totals = [];
for (let i = 0; i < warmup + runs; i++) {
  let total = 0;
  for (const key of keys) {
    const { session, feeds } = models[key];
    const took = await time(() => session.run(feeds));
    total += took;
    if (i >= warmup) perStage[key].push(took);
  }
  if (i >= warmup) totals.push(total);
}
for (const key of keys) console.log(`${key.padEnd(10)} chain  ${describe(perStage[key])}`);
console.log(`${'inference'.padEnd(10)} chain  ${describe(totals)}`);
