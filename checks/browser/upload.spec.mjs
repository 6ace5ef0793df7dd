// The uploader page in real headless Chromium against the packaged service on its embedded
// default (embedded PostgreSQL + in-process S3Proxy), started here in a temporary directory with
// 5 MiB parts, files.upload.complete-wait of 2 s and a pre-complete hook served here (it allows
// every file; the 202 case holds its answer, so that complete outlasts the wait).
//
//   node upload.spec.mjs            (run.sh installs what is missing first)
//
// Environment: FILES_JAR (default ../../target/quarkus-app/quarkus-run.jar), CHROMIUM (default
// /usr/bin/chromium), ARTIFACTS (default ./artifacts), KEEP_TMP=1 keeps the temporary folder.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const jar = resolve(process.env.FILES_JAR ?? join(here, '..', '..', 'target', 'quarkus-app', 'quarkus-run.jar'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const artifacts = resolve(process.env.ARTIFACTS ?? join(here, 'artifacts'));
const MiB = 1024 * 1024;
const FILE_BYTES = 20 * MiB; // 5 MiB parts -> 4 parts
const NUM_PARTS = 4;

const results = [];
let failedEarlier = null;

/** One named check; after a failure the later checks are reported as failed, not run. */
async function check(name, fn) {
  if (failedEarlier) {
    results.push({ name, ok: false });
    console.log(`not ok - ${name} (not run: "${failedEarlier}" failed)`);
    return undefined;
  }
  const started = Date.now();
  try {
    const value = await fn();
    results.push({ name, ok: true });
    console.log(`ok - ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return value;
  } catch (e) {
    results.push({ name, ok: false });
    failedEarlier = name;
    console.log(`not ok - ${name}\n  ${String(e?.stack ?? e).replaceAll('\n', '\n  ')}`);
    return undefined;
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function sameSet(a, b) {
  const x = [...new Set(a)].sort((p, q) => p - q);
  const y = [...new Set(b)].sort((p, q) => p - q);
  return JSON.stringify(x) === JSON.stringify(y);
}

async function waitFor(what, predicate, timeoutMs, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** CRC32C bit by bit, independent of the page's table-driven one; base64 of the 4 BE bytes. */
function crc32cBase64(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

/** The S3 part number of a part PUT, as the page's zero-based part number. */
function partOf(url) {
  const n = new URL(url).searchParams.get('partNumber');
  return n === null ? null : Number(n) - 1;
}

const tmp = mkdtempSync(join(tmpdir(), 'files-api-browser-'));
const embeddedDir = join(tmp, '.files-api');
const serviceLog = join(tmp, 'service.log');
let service;
let context;
let base;
let servicePort;
let hookServer;
const hookCalls = []; // bodies the pre-complete hook got
const hookHolds = new Map(); // file name -> promise the hook's answer waits for
let apiKey;
let page;
const pageErrors = [];

/** Starts the jar on servicePort over embeddedDir (kept across restarts), with extra -D settings. */
async function startService(settings = []) {
  const log = createWriteStream(serviceLog, { flags: 'a' });
  service = spawn(
    'java',
    [`-Dquarkus.http.port=${servicePort}`, '-Dfiles.upload.part-size=5M', ...settings, '-jar', jar],
    { cwd: tmp, env: { ...process.env, FILES_EMBEDDED_DIR: embeddedDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  service.stdout.pipe(log);
  service.stderr.pipe(log);
  let exited = null;
  service.on('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  await waitFor(
    'GET /q/health/ready',
    async () => {
      if (exited) throw new Error(`the service ${exited}; log: ${serviceLog}`);
      try {
        return (await fetch(`${base}/q/health/ready`)).status === 200;
      } catch {
        return false;
      }
    },
    300_000,
    500,
  );
}

async function main() {
  mkdirSync(artifacts, { recursive: true });

  await check('the packaged service starts on its embedded default', async () => {
    assert(existsSync(jar), `no jar at ${jar}: build it with ./mvnw package -DskipTests`);
    servicePort = await freePort();
    base = `http://localhost:${servicePort}`;
    // The operator's pre-complete hook: allows every file at once, but holds the answer for a
    // file named in hookHolds until the test releases it.
    hookServer = createHttpServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', async () => {
        let body = {};
        try {
          body = JSON.parse(text);
        } catch {
          body = { unparsable: text };
        }
        hookCalls.push(body);
        await hookHolds.get(body.upload?.file_name);
        res.writeHead(204).end();
      });
    });
    await new Promise((r) => hookServer.listen(0, '127.0.0.1', r));
    await startService([
      '-Dfiles.upload.complete-wait=2s',
      `-Dfiles.hooks.pre-complete-url=http://127.0.0.1:${hookServer.address().port}/pre-complete`,
      '-Dfiles.hooks.timeout=120s',
    ]);
    apiKey = readFileSync(join(embeddedDir, 'api-key'), 'utf8').trim();
    assert(apiKey.startsWith('fk_'), 'no generated API key');
  });

  await check('Chromium opens /upload/ and accepts the key', async () => {
    context = await chromium.launchPersistentContext(join(tmp, 'chromium-profile'), {
      executablePath: chromiumPath,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1000, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(`console: ${m.text()}`));
    const response = await page.goto(`${base}/upload/`);
    assert(response.ok(), `GET /upload/ answered ${response.status()}`);
    await page.getByLabel('API key').fill(apiKey);
    await page.locator('#key-status.ok').waitFor({ timeout: 30_000 });
  });

  await check('the served CRC32C module gives the known check values', async () => {
    const got = await page.evaluate(async () => {
      const m = await import('/upload/crc32c.js');
      const data = new Uint8Array(100_003).map((_, i) => (i * 2654435761) >>> 13);
      const whole = m.crc32c(data);
      const combined = m.crc32cCombine(m.crc32c(data.subarray(0, 40_000)), m.crc32c(data.subarray(40_000)), 60_003);
      return {
        check: m.crc32c('123456789'),
        zeros: m.crc32c(new Uint8Array(32)),
        base64: m.crc32cBase64(m.crc32c('123456789')),
        combinedMatches: whole === combined,
      };
    });
    // RFC 3720 (iSCSI) B.4: 32 bytes of zeros -> 0x8A9136AA; "123456789" -> 0xE3069283.
    assert(got.check === 0xe3069283, `crc32c("123456789") = ${got.check.toString(16)}`);
    assert(got.zeros === 0x8a9136aa, `crc32c(32 zeros) = ${got.zeros.toString(16)}`);
    assert(got.base64 === '4waSgw==', `base64 ${got.base64}`);
    assert(got.combinedMatches, 'crc32cCombine differs from the CRC of the whole');
  });

  // Part PUTs go through this route; `mode` decides what happens to them.
  let mode = 'hold-after-2';
  const held = [];
  let passedInPhase1 = 0;
  const reachedStore = new Map(); // phase 2: part -> PUTs passed on to the store
  let refused403 = null;
  await context.route(
    (url) => url.searchParams.has('uploadId'),
    async (route) => {
      const request = route.request();
      if (request.method() !== 'PUT') return route.continue();
      const part = partOf(request.url());
      if (mode === 'hold-after-2') {
        if (passedInPhase1 < 2) {
          passedInPhase1++;
          return route.continue();
        }
        held.push(route); // never answered: these parts are in flight when the page reloads
        return undefined;
      }
      if (mode === 'hold-all') {
        held.push(route);
        return undefined;
      }
      if (mode === 'direct') return route.continue();
      if (refused403 === null) {
        // The store refuses the first PUT after the reload, as it would an expired URL: the page
        // must fetch a fresh URL through parts/urls and send the part again.
        refused403 = part;
        return route.fulfill({
          status: 403,
          headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/xml' },
          body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
        });
      }
      reachedStore.set(part, (reachedStore.get(part) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 150)); // a little throttle, so progress is visible
      return route.continue();
    },
  );

  // The embedded S3 backend verifies no whole-file checksum (integrity_algorithm "none"). To
  // drive the page's CRC32C path, the 20 MiB upload's initiate answers are rewritten to say
  // "crc32c"; complete's integrity_checksum is recorded and then removed before it reaches the
  // service (which would refuse it with checksum_not_supported).
  let pretendCrc32c = true;
  const completeBodies = [];

  await context.route(
    (url) => url.pathname.endsWith('/files/uploads/initiate'),
    async (route) => {
      const response = await route.fetch();
      if (!pretendCrc32c || !response.ok()) return route.fulfill({ response });
      const json = await response.json();
      json.integrity_algorithm = 'crc32c';
      return route.fulfill({ response, json });
    },
  );
  await context.route(
    (url) => /\/files\/uploads\/[^/]+\/complete$/.test(url.pathname),
    async (route) => {
      const body = route.request().postDataJSON();
      completeBodies.push(body);
      const { integrity_checksum: _, ...forwarded } = body;
      return route.continue({ postData: JSON.stringify(forwarded) });
    },
  );

  // Everything the page sends, from request events.
  const checkpointed = new Set();
  let phase = 1;
  const putsByPhase = { 1: [], 2: [] };
  const partUrlCalls = [];
  context.on('request', (request) => {
    const url = request.url();
    if (request.method() === 'PUT' && partOf(url) !== null) putsByPhase[phase].push(partOf(url));
    if (url.endsWith('/parts/urls')) partUrlCalls.push(request.postDataJSON().part_numbers);
  });
  context.on('response', async (response) => {
    if (response.url().endsWith('/parts/checkpoint') && response.status() === 200) {
      for (const p of response.request().postDataJSON().parts) checkpointed.add(p.part_number);
    }
  });

  const filePath = join(tmp, 'random-20MiB.bin');
  const original = randomBytes(FILE_BYTES);
  writeFileSync(filePath, original);
  const originalSha = sha256(original);
  let firstUploadId;

  await check('an upload starts and checkpoints parts while others are still in flight', async () => {
    const initiated = page.waitForResponse((r) => r.url().endsWith('/files/uploads/initiate'));
    await page.locator('#file-input').setInputFiles(filePath);
    const init = await (await initiated).json();
    firstUploadId = init.upload_id;
    assert(init.is_resume === false, 'the first initiate resumed something');
    assert(init.num_parts === NUM_PARTS && init.part_size === 5 * MiB, `plan: ${init.num_parts} parts of ${init.part_size}`);
    await waitFor('two checkpointed parts', () => checkpointed.size >= 2, 120_000);
    await waitFor('two held part PUTs', () => held.length >= 2, 30_000);
    await page.locator('.upload[data-parts-done="2"]').waitFor({ timeout: 10_000 });
    const card = page.locator('.upload[data-file="random-20MiB.bin"]');
    assert(await card.getByRole('button', { name: 'Cancel' }).isVisible(), 'no Cancel button while uploading');
    assert(!(await card.getByRole('button', { name: 'Download' }).isVisible()), 'Download shown before completion');
    await page.screenshot({ path: join(artifacts, 'before-reload.png'), fullPage: true });
  });

  let resumedInit;
  let stored; // the parts checkpointed before the reload
  await check('after a reload, picking the same file resumes with only the unstored parts', async () => {
    stored = new Set(checkpointed);
    phase = 2;
    mode = 'pass';
    await page.reload();
    const restored = await page.getByLabel('API key').inputValue();
    assert(restored === apiKey, 'the key was not kept in sessionStorage across the reload');
    assert(!page.url().includes(apiKey), 'the key is in the URL');
    await page.locator('#unfinished li', { hasText: 'random-20MiB.bin' }).waitFor({ timeout: 30_000 });
    const initiated = page.waitForResponse((r) => r.url().endsWith('/files/uploads/initiate'));
    await page.locator('#file-input').setInputFiles(filePath);
    resumedInit = await (await initiated).json();
    assert(resumedInit.is_resume === true, 'is_resume is not true');
    assert(resumedInit.upload_id === firstUploadId, 'a different upload was started');
    const offered = resumedInit.parts.map((p) => p.part_number);
    const expected = [...Array(NUM_PARTS).keys()].filter((n) => !stored.has(n));
    assert(sameSet(offered, expected), `offered parts ${offered}, expected ${expected}`);
    await page.locator('.upload.done').waitFor({ timeout: 180_000 });
    await page.locator('.parts-text', { hasText: `${stored.size} from before` }).waitFor({ timeout: 5_000 });
  });

  await check('no checkpointed part was sent again; each remaining part reached the store once', async () => {
    const before = [...stored];
    const resent = putsByPhase[2].filter((p) => stored.has(p));
    console.log(
      `  checkpointed before the reload: [${before}]; PUT requests after it: [${putsByPhase[2]}]` +
        ` (part ${refused403} refused once with 403); reached the store: ${JSON.stringify([...reachedStore])}`,
    );
    assert(resent.length === 0, `checkpointed parts sent again: ${resent}`);
    const remaining = [...Array(NUM_PARTS).keys()].filter((n) => !stored.has(n));
    for (const n of remaining) {
      assert(reachedStore.get(n) === 1, `part ${n} reached the store ${reachedStore.get(n) ?? 0} times`);
    }
    assert(putsByPhase[2].length === remaining.length + 1, `${putsByPhase[2].length} PUTs after the reload`);
  });

  await check('a PUT refused with 403 got a fresh URL through parts/urls and was retried', async () => {
    assert(refused403 !== null, 'no PUT was refused');
    assert(
      partUrlCalls.some((nums) => nums.includes(refused403)),
      `parts/urls calls: ${JSON.stringify(partUrlCalls)}`,
    );
  });

  await check('with crc32c, complete carries the whole file\'s CRC32C (resumed parts read locally)', async () => {
    const sent = completeBodies.at(-1)?.integrity_checksum;
    const expected = crc32cBase64(original);
    console.log(`  integrity_checksum ${sent}, expected ${expected}`);
    assert(sent === expected, `integrity_checksum ${sent}, expected ${expected}`);
  });

  await check('the page downloads the file through its link, byte for byte', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.upload.done .download').click()]);
    const saved = join(tmp, 'downloaded.bin');
    await download.saveAs(saved);
    assert(download.suggestedFilename() === 'random-20MiB.bin', `saved as ${download.suggestedFilename()}`);
    const back = readFileSync(saved);
    assert(back.length === FILE_BYTES, `downloaded ${back.length} bytes`);
    assert(sha256(back) === originalSha, 'SHA-256 of the download differs from the original');
    console.log(`  sha256 ${originalSha} both`);
    await page.screenshot({ path: join(artifacts, 'upload-complete.png'), fullPage: true });
  });

  await check('with integrity_algorithm none, complete carries no checksum', async () => {
    pretendCrc32c = false;
    const plain = join(tmp, 'plain.bin');
    const bytes = randomBytes(6 * MiB + 123);
    writeFileSync(plain, bytes);
    await page.locator('#file-input').setInputFiles(plain);
    await page.locator('.upload.done[data-file="plain.bin"]').waitFor({ timeout: 120_000 });
    const body = completeBodies.at(-1);
    assert(body && !('integrity_checksum' in body), `complete body ${JSON.stringify(body)}`);
    const back = Buffer.from(
      await (await fetch(`${base}/v1/files/download/plain.bin`, { headers: { Authorization: `Bearer ${apiKey}` } })).arrayBuffer(),
    );
    assert(sha256(back) === sha256(bytes), 'plain.bin came back different');
  });

  await check('cancel aborts an upload in the service', async () => {
    mode = 'hold-all';
    const small = join(tmp, 'cancel-me.bin');
    writeFileSync(small, randomBytes(6 * MiB));
    const initiated = page.waitForResponse((r) => r.url().endsWith('/files/uploads/initiate'));
    await page.locator('#file-input').setInputFiles(small);
    const init = await (await initiated).json();
    const card = page.locator('.upload[data-file="cancel-me.bin"]');
    await card.locator('.state', { hasText: 'Uploading' }).waitFor({ timeout: 10_000 });
    const aborted = page.waitForResponse((r) => r.url().endsWith(`/${init.upload_id}/abort`));
    await card.getByRole('button', { name: 'Cancel' }).click();
    assert((await aborted).status() === 200, 'abort did not answer 200');
    await page.locator('.upload.cancelled[data-file="cancel-me.bin"]').waitFor({ timeout: 10_000 });
    const view = await (
      await fetch(`${base}/v1/files/uploads/${init.upload_id}`, { headers: { Authorization: `Bearer ${apiKey}` } })
    ).json();
    assert(view.status === 'aborted', `upload status ${view.status}`);
    await page.screenshot({ path: join(artifacts, 'upload-page.png'), fullPage: true });
  });

  await check('a complete that outlasts files.upload.complete-wait: 202 with Retry-After, sent again, done', async () => {
    // The operator's pre-complete hook (a scanner, say) holds this file's answer, so the service's
    // complete really outlasts complete-wait (2 s here): the store has assembled the object, the
    // file is not registered yet. The hook answers once the page has shown the 202 and sent the
    // complete twice more.
    const name = 'assembled-slowly.bin';
    const path = join(tmp, name);
    const bytes = randomBytes(16 * MiB + 7);
    writeFileSync(path, bytes);
    mode = 'direct';
    let release;
    hookHolds.set(name, new Promise((r) => (release = r)));
    const completes = []; // { kind: 'request' | 'response', status, retryAfter, at }
    const isComplete = (url) => /\/files\/uploads\/[^/]+\/complete$/.test(new URL(url).pathname);
    const onRequest = (request) => isComplete(request.url()) && completes.push({ kind: 'request', at: Date.now() });
    const onResponse = (response) =>
      isComplete(response.url()) && completes.push({ kind: 'response', status: response.status(), at: Date.now() });
    context.on('request', onRequest);
    context.on('response', onResponse);
    try {
      const initiated = page.waitForResponse((r) => r.url().endsWith('/files/uploads/initiate'));
      const accepted = page.waitForResponse((r) => isComplete(r.url()) && r.status() === 202, { timeout: 120_000 });
      await page.locator('#file-input').setInputFiles(path);
      const init = await (await initiated).json();
      const first = await accepted;
      const retryAfter = Number(first.headers()['retry-after']);
      assert(Number.isInteger(retryAfter) && retryAfter > 0, `Retry-After "${first.headers()['retry-after']}"`);
      const pending = await first.json();
      assert(pending.upload_id === init.upload_id && pending.status === 'completing', `202 body ${JSON.stringify(pending)}`);
      const card = page.locator(`.upload[data-file="${name}"]`);
      await card.locator('.state', { hasText: 'Assembling' }).waitFor({ timeout: 10_000 });
      assert((await card.getAttribute('data-state')) === 'completing', `card state ${await card.getAttribute('data-state')}`);
      assert(!(await card.getByRole('button', { name: 'Download' }).isVisible()), 'Download shown on a 202');
      // The service completes the upload whatever the page does now (an abort answers 409
      // upload_completing): the page offers no Cancel that would end in "Cancel failed".
      assert(!(await card.getByRole('button', { name: 'Cancel' }).isVisible()), 'Cancel offered while the service completes');
      await page.screenshot({ path: join(artifacts, 'upload-assembling.png'), fullPage: true });
      // Two repeats: the second one only after a second 202, so the page keeps waiting and sending.
      await waitFor('the page to send the complete twice more', () => completes.filter((c) => c.kind === 'request').length >= 3, 30_000, 50);
      release();
      await page.locator(`.upload.done[data-file="${name}"]`).waitFor({ timeout: 120_000 });
      const requests = completes.filter((c) => c.kind === 'request');
      const responses = completes.filter((c) => c.kind === 'response');
      console.log(`  complete answers: ${responses.map((r) => r.status)} (Retry-After ${retryAfter} s)`);
      assert(responses[0].status === 202, `the first complete answered ${responses[0].status}`);
      assert(responses.at(-1).status === 200, `the last complete answered ${responses.at(-1).status}`);
      assert(responses.length >= 3 && responses.slice(0, -1).every((r) => r.status === 202), `answers ${responses.map((r) => r.status)}`);
      assert(requests.length === responses.length, `${requests.length} completes sent, ${responses.length} answered`);
      // The page waited Retry-After before it sent the complete again (the events reach this
      // process a little after the page sees them: 80% of it is asked).
      for (let i = 1; i < requests.length; i++) {
        const waited = requests[i].at - responses[i - 1].at;
        assert(waited >= retryAfter * 800, `complete ${i + 1} was sent ${waited} ms after the 202 before it`);
      }
      // The repeats joined the running work: the hook was asked once for this upload.
      const asked = hookCalls.filter((c) => c.upload?.upload_id === init.upload_id).length;
      assert(asked === 1, `the pre-complete hook was asked ${asked} times for the upload`);
      const auth = { headers: { Authorization: `Bearer ${apiKey}` } };
      const view = await (await fetch(`${base}/v1/files/uploads/${init.upload_id}`, auth)).json();
      assert(view.status === 'completed', `upload status ${view.status}`);
      const listed = await (await fetch(`${base}/v1/files/metadata`, auth)).json();
      assert(listed.some((f) => f.file_id === name), `${name} is not listed`);
      const back = Buffer.from(await (await fetch(`${base}/v1/files/download/${name}`, auth)).arrayBuffer());
      assert(sha256(back) === sha256(bytes), `${name} came back different (${back.length} bytes)`);
    } finally {
      release?.();
      context.off('request', onRequest);
      context.off('response', onResponse);
    }
  });

  await check('the page logged no errors', async () => {
    // The cancelled PUTs and the 403 show up as failed network requests, not as errors here.
    const unexpected = pageErrors.filter((e) => !/Failed to load resource/.test(e));
    assert(unexpected.length === 0, unexpected.join('\n'));
  });
}

async function stopService() {
  if (!service || service.exitCode !== null) return;
  const exited = new Promise((r) => service.once('exit', r));
  service.kill('SIGTERM');
  const timer = setTimeout(() => service.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

try {
  await main();
} catch (e) {
  console.log(`not ok - unexpected error\n  ${e?.stack ?? e}`);
  results.push({ name: 'unexpected error', ok: false });
} finally {
  await context?.close().catch(() => {});
  await stopService().catch(() => {});
  hookServer?.closeAllConnections();
  hookServer?.close();
  const failed = results.filter((r) => !r.ok).length;
  if (failed > 0 && existsSync(serviceLog)) copyFileSync(serviceLog, join(artifacts, 'service.log'));
  if (process.env.KEEP_TMP !== '1') rmSync(tmp, { recursive: true, force: true });
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}
