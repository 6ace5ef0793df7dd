// Signing a 10,000-part upload through the Uppy routes, as @uppy/aws-s3 asks for it: per part
// (GET /s3/multipart/{id}/{n}, 6 in parallel) and through batch (GET …/batch, partNumbers in
// chunks that fit the 4 KiB request line). Starts the packaged jar on its embedded default on a
// free port and reads the service's CPU time (utime + stime of its process) around each run.
//
//   node bench/uppy-sign.mjs        (after ./mvnw package -DskipTests)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const jar = resolve(process.env.FILES_JAR ?? join(here, '..', 'target', 'quarkus-app', 'quarkus-run.jar'));
const PARTS = 10_000;
const PARALLEL = 6;
const BATCH = 500;

const port = await new Promise((ok) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => ok(p));
  });
});
const tmp = mkdtempSync(join(tmpdir(), 'uppy-bench-'));
const service = spawn('java', [`-Dquarkus.http.port=${port}`, '-Dquarkus.log.level=WARN', '-jar', jar], {
  cwd: tmp,
  env: { ...process.env, FILES_EMBEDDED_DIR: join(tmp, 'e') },
  stdio: 'ignore',
});
const base = `http://127.0.0.1:${port}`;
const ticks = () => {
  const f = readFileSync(`/proc/${service.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // ms at 100 Hz
};
try {
  for (;;) {
    try {
      if ((await fetch(`${base}/q/health/ready`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  const key = readFileSync(join(tmp, 'e', 'api-key'), 'utf8').trim();
  const { companion_endpoint: endpoint } = await (
    await fetch(`${base}/v1/uppy/tokens`, { method: 'POST', headers: { Authorization: `Bearer ${key}` } })
  ).json();
  const create = async () =>
    (
      await fetch(`${endpoint}/s3/multipart`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ filename: `bench-${Math.random()}`, type: 'application/octet-stream', metadata: {} }),
      })
    ).json();
  const perPart = async () => {
    const { uploadId, key: k } = await create();
    let next = 1;
    const worker = async () => {
      while (next <= PARTS) {
        const n = next++;
        const r = await fetch(`${endpoint}/s3/multipart/${uploadId}/${n}?key=${k}`);
        if (!r.ok) throw new Error(`part ${n}: ${r.status}`);
        await r.json();
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  };
  const batch = async () => {
    const { uploadId, key: k } = await create();
    for (let from = 1; from <= PARTS; from += BATCH) {
      const numbers = Array.from({ length: Math.min(BATCH, PARTS - from + 1) }, (_, i) => from + i);
      const r = await fetch(`${endpoint}/s3/multipart/${uploadId}/batch?key=${k}&partNumbers=${numbers.join(',')}`);
      if (!r.ok) throw new Error(`batch ${from}: ${r.status}`);
      await r.json();
    }
  };
  await perPart(); // warm-up
  await batch();
  for (const [name, run] of [['per part, 6 in parallel', perPart], [`batch of ${BATCH}`, batch]]) {
    for (let i = 0; i < 3; i++) {
      const cpu = ticks();
      const started = performance.now();
      await run();
      console.log(
        JSON.stringify({ run: name, parts: PARTS, wall_ms: Math.round(performance.now() - started), server_cpu_ms: ticks() - cpu }),
      );
    }
  }
} finally {
  service.kill('SIGTERM');
  await new Promise((r) => service.once('exit', r));
  rmSync(tmp, { recursive: true, force: true });
}
