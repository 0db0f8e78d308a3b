// Produces the reference outputs the inference tests compare against, with the official
// onnxruntime-node 1.30.0: another build and binding of ONNX Runtime than the gateway's
// Microsoft.ML.OnnxRuntime, so the tests also show both agree (within 1e-5).
//
// Regenerate (from the repository root, after build.sh setup fetched the models):
//   dir=$(mktemp -d) && (cd "$dir" && npm install --ignore-scripts onnxruntime-node@1.30.0)
//   NODE_PATH="$dir/node_modules" node tests/EdgeGate.Vision.Tests/Inference/Reference/make-reference.js
//
// Input: element i (row-major) = Math.fround(Math.sin(i * 0.001) * 0.9), the same formula as
// ReferenceData.Create in the C# tests. Outputs are raw float32 little-endian files, one per output,
// named <model>.<output>.f32. One intra-op thread, all graph optimisations.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const root = path.resolve(__dirname, '..', '..', '..', '..');
const models = [
  { file: 'fr_feature.onnx', input: 'input', shape: [1, 3, 112, 112] },
  { file: 'fr_detect.onnx', input: 'input', shape: [1, 3, 240, 320] },
];

function referenceInput(length) {
  const data = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    data[i] = Math.fround(Math.sin(i * 0.001) * 0.9);
  }
  return data;
}

async function main() {
  for (const model of models) {
    const session = await ort.InferenceSession.create(path.join(root, 'models', model.file), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
    const length = model.shape.reduce((a, b) => a * b, 1);
    const feeds = { [model.input]: new ort.Tensor('float32', referenceInput(length), model.shape) };
    const results = await session.run(feeds);
    const stem = path.basename(model.file, '.onnx');
    for (const name of session.outputNames) {
      const tensor = results[name];
      const bytes = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
      const target = path.join(__dirname, `${stem}.${name}.f32`);
      fs.writeFileSync(target, bytes);
      console.log(`${path.relative(root, target)}  [${tensor.dims.join(',')}]  ${tensor.data.length} floats`);
    }
    await session.release();
  }
  console.log(`onnxruntime-node ${require('onnxruntime-node/package.json').version}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
