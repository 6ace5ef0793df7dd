// Issue 28's benchmark: the same client against Uppy Companion 6.2.2 (standalone, from npm) and
// against this service's Uppy routes (the packaged jar), both on ONE S3Proxy 2.6.0 running as its
// own process (jclouds filesystem in a temporary directory, AWS V4 auth). Runs are interleaved
// (Companion, service, Companion, service, ...) so that the shared machine's load falls on both
// alike. Each run records its wall time, the server process's CPU (utime + stime from
// /proc/PID/stat, before and after), S3Proxy's CPU and the load average.
//
//   signing: a 10,000-part upload presigned per part (GET /s3/multipart/{id}/{n}, 6 requests in
//            parallel, as @uppy/aws-s3 asks) and through batch (GET .../batch?partNumbers=, 500
//            numbers a request), by Node's fetch;
//   e2e:     a 1 GiB file uploaded by real @uppy/core + @uppy/aws-s3 6.3.1 in Debian's Chromium
//            (playwright-core), same options for both (shouldUseMultipart: true, the plugin's
//            default part size and limit), from uppy.upload() to upload-success (for the service:
//            the file registered).
//
//   node bench/companion/run.mjs [--smoke] [--rounds=N] [--e2e-rounds=N] [--no-e2e] [--out=FILE]
//
// --smoke: 200 parts, one round, a 20 MiB e2e; proves both servers sign and take an upload.
// Needs the packaged jar (./mvnw package -DskipTests; FILES_JAR overrides) and `npm ci` here;
// bench/companion/run.sh does both. The service runs with the JVM image's options
// (src/main/docker/Dockerfile.jvm; BENCH_SERVICE_JVM replaces them), Companion with NODE_ENV=production.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const smoke = args.has('smoke');
const ROUNDS = Number(args.get('rounds') ?? (smoke ? 1 : 3));
const E2E_ROUNDS = args.has('no-e2e') ? 0 : Number(args.get('e2e-rounds') ?? (smoke ? 1 : 3));
const PARTS = smoke ? 200 : 10_000;
const PARALLEL = 6;
const BATCH = 500;
const E2E_BYTES = (smoke ? 20 : 1024) * 1024 * 1024;
const out = resolve(
  args.get('out') ??
    (smoke
      ? join(repo, 'target', 'bench', 'companion-smoke.jsonl')
      : join(repo, 'bench', 'results', `companion-${new Date().toISOString().slice(0, 10)}.jsonl`)),
);
const jar = resolve(process.env.FILES_JAR ?? join(repo, 'target', 'quarkus-app', 'quarkus-run.jar'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ACCESS = 'bench';
const SECRET = 'bench-secret-' + randomBytes(8).toString('hex');

const freePort = () =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => ok(p));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, at 100 Hz
};
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

const tmp = mkdtempSync(join(tmpdir(), 'companion-bench-'));
const children = [];
function start(name, command, argv, options) {
  const log = openSync(join(tmp, `${name}.log`), 'a');
  const child = spawn(command, argv, { ...options, stdio: ['ignore', log, log] });
  closeSync(log);
  child.exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  child.label = name;
  children.push(child);
  return child;
}
async function waitReady(child, url, what) {
  const deadline = Date.now() + 300_000;
  let done = false;
  child.exited.then(() => (done = true));
  for (;;) {
    if (done) throw new Error(`${what} exited; log: ${join(tmp, child.label + '.log')}`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${what} not ready after 300 s`);
    await sleep(300);
  }
}

function record(line) {
  const full = { ...line, load: load(), at: new Date().toISOString() };
  appendFileSync(out, JSON.stringify(full) + '\n');
  console.log(JSON.stringify(full));
  return full;
}

// ---------------------------------------------------------------------------------------------
// The two servers, as the same client sees them: an endpoint with Companion's /s3 routes.
// ---------------------------------------------------------------------------------------------
const servers = {};
let s3proxy;
let objects;

async function startAll() {
  const [s3Port, ourPort, companionPort] = await Promise.all([freePort(), freePort(), freePort()]);
  objects = join(tmp, 'objects');
  mkdirSync(join(objects, 'files'), { recursive: true }); // the service's bucket
  mkdirSync(join(objects, 'companion'), { recursive: true }); // Companion's bucket
  const s3 = `http://127.0.0.1:${s3Port}`;
  writeFileSync(
    join(tmp, 's3proxy.properties'),
    [
      `s3proxy.endpoint=${s3}`,
      's3proxy.authorization=aws-v2-or-v4',
      `s3proxy.identity=${ACCESS}`,
      `s3proxy.credential=${SECRET}`,
      's3proxy.cors-allow-origins=*',
      's3proxy.cors-allow-methods=GET PUT POST HEAD DELETE',
      's3proxy.cors-allow-headers=*',
      's3proxy.cors-exposed-headers=ETag',
      'jclouds.provider=filesystem',
      `jclouds.identity=${ACCESS}`,
      `jclouds.credential=${SECRET}`,
      `jclouds.filesystem.basedir=${objects}`,
      '',
    ].join('\n'),
  );
  // S3Proxy 2.6.0 and its libraries are in the packaged application's lib (the embedded default).
  const lib = join(dirname(jar), 'lib', 'main');
  if (!readdirSync(lib).some((name) => name.startsWith('org.gaul.s3proxy-'))) {
    throw new Error(`no S3Proxy in ${lib}: package without -Dproduction (./mvnw -B -q package -DskipTests)`);
  }
  s3proxy = start('s3proxy', 'java', ['-Xmx512m', '-cp', `${lib}/*`, 'org.gaul.s3proxy.Main', '--properties', join(tmp, 's3proxy.properties')], {
    cwd: tmp,
  });

  const imageJvm = readFileSync(join(repo, 'src', 'main', 'docker', 'Dockerfile.jvm'), 'utf8').match(/^ARG JVM_OPTIONS="(.*)"$/m)[1];
  const jvm = (process.env.BENCH_SERVICE_JVM ?? imageJvm).split(/\s+/).filter(Boolean);
  const service = start('service', 'java', [...jvm, `-Dquarkus.http.port=${ourPort}`, '-jar', jar], {
    cwd: tmp,
    env: {
      ...process.env,
      MALLOC_ARENA_MAX: '2',
      FILES_EMBEDDED_DIR: join(tmp, 'service'), // the embedded PostgreSQL and the generated key
      FILES_STORAGE_BUCKET: 'files',
      QUARKUS_S3_ENDPOINT_OVERRIDE: s3,
      QUARKUS_S3_PATH_STYLE_ACCESS: 'true',
      QUARKUS_S3_AWS_REGION: 'us-east-1',
      QUARKUS_S3_AWS_CREDENTIALS_TYPE: 'static',
      QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID: ACCESS,
      QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY: SECRET,
      QUARKUS_HTTP_CORS_ENABLED: 'true',
      QUARKUS_HTTP_CORS_ORIGINS: '/.*/',
      QUARKUS_HTTP_LIMITS_MAX_INITIAL_LINE_LENGTH: '16384',
    },
  });

  mkdirSync(join(tmp, 'companion-data'));
  const companion = start('companion', process.execPath, [join(here, 'node_modules', '@uppy', 'companion', 'bin', 'companion')], {
    cwd: tmp,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      COMPANION_PORT: String(companionPort),
      COMPANION_DOMAIN: `127.0.0.1:${companionPort}`,
      COMPANION_PROTOCOL: 'http',
      COMPANION_DATADIR: join(tmp, 'companion-data'),
      COMPANION_SECRET: randomBytes(16).toString('hex'),
      COMPANION_PREAUTH_SECRET: randomBytes(16).toString('hex'),
      COMPANION_UPLOAD_URLS: 'http://127.0.0.1/none', // required; only for uploads from remote providers
      COMPANION_CLIENT_ORIGINS: 'true',
      COMPANION_AWS_KEY: ACCESS,
      COMPANION_AWS_SECRET: SECRET,
      COMPANION_AWS_BUCKET: 'companion',
      COMPANION_AWS_REGION: 'us-east-1',
      COMPANION_AWS_ENDPOINT: s3,
      COMPANION_AWS_FORCE_PATH_STYLE: 'true',
    },
  });

  await waitReady(s3proxy, `${s3}/`, 'S3Proxy');
  // Its AWS authentication is on: an unsigned PUT is refused (the presigned URLs are checked).
  const unsigned = await fetch(`${s3}/companion/unsigned.bin`, { method: 'PUT', body: 'x' });
  if (unsigned.status !== 403) throw new Error(`S3Proxy took an unsigned PUT: ${unsigned.status}`);
  await waitReady(companion, `http://127.0.0.1:${companionPort}/`, 'Companion');
  await waitReady(service, `http://127.0.0.1:${ourPort}/q/health/ready`, 'the service');
  const base = `http://127.0.0.1:${ourPort}`;
  const apiKey = readFileSync(join(tmp, 'service', 'api-key'), 'utf8').trim();
  const minted = await (await fetch(`${base}/v1/uppy/tokens`, { method: 'POST', headers: { Authorization: `Bearer ${apiKey}` } })).json();
  servers.companion = { name: 'companion', process: companion, endpoint: `http://127.0.0.1:${companionPort}` };
  servers.service = { name: 'service', process: service, endpoint: minted.companion_endpoint, base, apiKey };
  console.log(`[bench] S3Proxy ${s3}, Companion :${companionPort}, service :${ourPort}; JVM ${jvm.join(' ')}; ${tmp}`);
}

// ---------------------------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------------------------
async function json(response, what) {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response.json();
}
async function create(server) {
  return json(
    await fetch(`${server.endpoint}/s3/multipart`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ filename: `sign-${randomBytes(6).toString('hex')}.bin`, type: 'application/octet-stream', metadata: {} }),
    }),
    `${server.name} create`,
  );
}
async function abort(server, { uploadId, key }) {
  const r = await fetch(`${server.endpoint}/s3/multipart/${encodeURIComponent(uploadId)}?key=${encodeURIComponent(key)}`, { method: 'DELETE' });
  if (!r.ok) throw new Error(`${server.name} abort: ${r.status}`);
}
const signings = {
  'per part, 6 in parallel': async (server, upload) => {
    const id = encodeURIComponent(upload.uploadId);
    const key = encodeURIComponent(upload.key);
    let next = 1;
    const worker = async () => {
      while (next <= PARTS) {
        const n = next++;
        const body = await json(await fetch(`${server.endpoint}/s3/multipart/${id}/${n}?key=${key}`), `${server.name} part ${n}`);
        if (!body.url?.includes('partNumber=' + n)) throw new Error(`${server.name} part ${n}: ${JSON.stringify(body)}`);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  },
  [`batch of ${BATCH}`]: async (server, upload) => {
    const id = encodeURIComponent(upload.uploadId);
    const key = encodeURIComponent(upload.key);
    for (let from = 1; from <= PARTS; from += BATCH) {
      const numbers = Array.from({ length: Math.min(BATCH, PARTS - from + 1) }, (_, i) => from + i);
      const body = await json(
        await fetch(`${server.endpoint}/s3/multipart/${id}/batch?key=${key}&partNumbers=${numbers.join(',')}`),
        `${server.name} batch ${from}`,
      );
      if (Object.keys(body.presignedUrls ?? {}).length !== numbers.length) throw new Error(`${server.name} batch ${from}: ${Object.keys(body.presignedUrls ?? {}).length} URLs`);
    }
  },
};

async function signRun(server, mode, round) {
  const upload = await create(server);
  const cpu = cpuMs(server.process.pid);
  const s3cpu = cpuMs(s3proxy.pid);
  const started = performance.now();
  await signings[mode](server, upload);
  const wall = performance.now() - started;
  const serverCpu = cpuMs(server.process.pid) - cpu;
  const s3Cpu = cpuMs(s3proxy.pid) - s3cpu;
  await abort(server, upload);
  return record({
    bench: 'sign',
    server: server.name,
    mode,
    round,
    parts: PARTS,
    wall_ms: Math.round(wall),
    server_cpu_ms: serverCpu,
    server_cpu_us_per_part: Math.round((serverCpu * 1000) / PARTS),
    s3proxy_cpu_ms: s3Cpu,
  });
}

// ---------------------------------------------------------------------------------------------
// End to end: real Uppy in Chromium
// ---------------------------------------------------------------------------------------------
let browser;
let pageServer;
async function startBrowser() {
  const { build } = await import('esbuild');
  const { chromium } = await import('playwright-core');
  const bundle = await build({
    entryPoints: [join(here, 'page', 'entry.mjs')],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].contents;
  const html = readFileSync(join(here, 'page', 'index.html'));
  pageServer = createHttpServer((req, res) => {
    const body = req.url === '/bundle.js' ? script : req.url === '/' ? html : null;
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': req.url === '/' ? 'text/html' : 'text/javascript' }).end(body);
  });
  await new Promise((r) => pageServer.listen(0, '127.0.0.1', r));
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
}

function makeFile(size) {
  const path = join(tmp, `e2e-${size}.bin`);
  const fd = openSync(path, 'w');
  const chunk = 16 * 1024 * 1024;
  for (let written = 0; written < size; written += chunk) writeSync(fd, randomBytes(Math.min(chunk, size - written)));
  closeSync(fd);
  return path;
}

async function e2eRun(server, file, round) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`http://127.0.0.1:${pageServer.address().port}/`);
    await page.evaluate((e) => window.startUppy(e), server.endpoint);
    await page.locator('#files').setInputFiles(file);
    const cpu = cpuMs(server.process.pid);
    const s3cpu = cpuMs(s3proxy.pid);
    const t0 = await page.evaluate(() => {
      const at = performance.now();
      window.uppy.upload(); // not awaited: evaluate would wait for the whole upload
      return at;
    });
    const deadline = Date.now() + 30 * 60_000;
    let success;
    for (;;) {
      const state = await page.evaluate(() => window.uppyLog);
      const failed = Object.values(state.error);
      if (failed.length || errors.length) throw new Error(`${server.name} e2e: ${JSON.stringify(failed)} ${errors.join('; ')}`);
      success = Object.values(state.success)[0];
      if (success) {
        success.parts = Object.values(state.parts)[0];
        break;
      }
      if (Date.now() > deadline) throw new Error(`${server.name} e2e: not done after 30 min`);
      await sleep(100);
    }
    const serverCpu = cpuMs(server.process.pid) - cpu;
    const s3Cpu = cpuMs(s3proxy.pid) - s3cpu;
    let registered = null;
    if (server.name === 'service') {
      const r = await fetch(`${server.base}/v1/files/metadata/${encodeURIComponent(success.fileName)}`, { headers: { Authorization: `Bearer ${server.apiKey}` } });
      const meta = await json(r, 'GET the uploaded file');
      registered = meta.num_bytes;
      if (registered !== E2E_BYTES) throw new Error(`registered ${registered} bytes, not ${E2E_BYTES}`);
      await fetch(`${server.base}/v1/files/delete/${encodeURIComponent(success.fileName)}`, { method: 'DELETE', headers: { Authorization: `Bearer ${server.apiKey}` } });
    } else {
      // Companion keeps no registry: the object is in its bucket; removed so the disk stays small.
      for (const name of readdirSync(join(objects, 'companion'))) rmSync(join(objects, 'companion', name), { recursive: true, force: true });
    }
    return record({
      bench: 'e2e',
      server: server.name,
      round,
      bytes: E2E_BYTES,
      parts: success.parts,
      wall_ms: Math.round(success.at - t0),
      server_cpu_ms: serverCpu,
      s3proxy_cpu_ms: s3Cpu,
      registered_bytes: registered,
    });
  } finally {
    await page.close();
  }
}

// ---------------------------------------------------------------------------------------------
function summary(lines) {
  const groups = new Map();
  for (const l of lines) {
    const k = `${l.bench} | ${l.mode ?? `${l.bytes / 1024 / 1024} MiB`} | ${l.server}`;
    (groups.get(k) ?? groups.set(k, []).get(k)).push(l);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  console.log('\nbench | run | server | wall ms (median, all) | server CPU ms (median, all) | S3Proxy CPU ms (median)');
  for (const [k, ls] of groups) {
    const w = ls.map((l) => l.wall_ms);
    const c = ls.map((l) => l.server_cpu_ms);
    console.log(`${k} | ${median(w)} (${w.join(', ')}) | ${median(c)} (${c.join(', ')}) | ${median(ls.map((l) => l.s3proxy_cpu_ms))}`);
  }
}

async function stopAll() {
  if (browser) await browser.close().catch(() => {});
  if (pageServer) pageServer.close();
  for (const child of children.reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await child.exited;
      clearTimeout(t);
    }
  }
}

let status = 0;
try {
  if (!existsSync(jar)) throw new Error(`no jar at ${jar}: ./mvnw -B -q package -DskipTests`);
  mkdirSync(dirname(out), { recursive: true });
  if (smoke) writeFileSync(out, '');
  appendFileSync(
    out,
    JSON.stringify({
      bench: 'setup',
      smoke,
      parts: PARTS,
      parallel: PARALLEL,
      batch: BATCH,
      e2e_bytes: E2E_BYTES,
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model,
      node: process.version,
      java: spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0],
      service_jvm: (process.env.BENCH_SERVICE_JVM ?? 'the JVM image\'s options (Dockerfile.jvm)'),
      companion: JSON.parse(readFileSync(join(here, 'node_modules', '@uppy', 'companion', 'package.json'), 'utf8')).version,
      aws_s3: JSON.parse(readFileSync(join(here, 'node_modules', '@uppy', 'aws-s3', 'package.json'), 'utf8')).version,
      load: load(),
      at: new Date().toISOString(),
    }) + '\n',
  );
  await startAll();
  const lines = [];
  // Interleaved, and the order flips every round (C S, S C, C S ...), so that neither server
  // always runs right after the other's load.
  const orderOf = (round) => (round % 2 ? [servers.companion, servers.service] : [servers.service, servers.companion]);
  const order = orderOf(1);
  // Warm-up (not recorded): each server signs once each way (the JIT, the pools, the SDK).
  for (const server of order) for (const mode of Object.keys(signings)) {
    const upload = await create(server);
    await signings[mode](server, upload);
    await abort(server, upload);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of Object.keys(signings)) {
      for (const server of orderOf(round)) lines.push(await signRun(server, mode, round));
    }
  }
  if (E2E_ROUNDS > 0) {
    await startBrowser();
    const file = makeFile(E2E_BYTES);
    for (let round = 1; round <= E2E_ROUNDS; round++) {
      for (const server of orderOf(round)) lines.push(await e2eRun(server, file, round));
    }
  }
  summary(lines);
  console.log(`\n[bench] raw lines: ${out}`);
} catch (e) {
  console.error(`[bench] FAILED: ${e?.stack ?? e}`);
  console.error(process.env.KEEP_TMP ? `[bench] logs kept in ${tmp}` : '[bench] KEEP_TMP=1 keeps the servers\' logs');
  status = 1;
} finally {
  await stopAll();
  if (!process.env.KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
}
process.exit(status);
