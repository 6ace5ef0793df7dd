// Real Uppy (@uppy/core + @uppy/dashboard + @uppy/aws-s3 6 from npm, bundled with esbuild) in
// headless Chromium, pointed at this service as at a Companion server, against the packaged jar on
// its embedded default. The page is served from another origin (CORS as an application would have
// it). The test acts as a user of the Dashboard: files are picked through its "browse files"
// button (the browser's file chooser), uploads started with its Upload button, paused and resumed
// with a file's pause/resume button and cancelled with its Cancel button; what the Dashboard
// shows is asserted alongside what the service holds. The service runs with a short
// files.upload.complete-wait (500 ms) and a pre-complete hook served here that allows every file
// at once but can hold its answer for one, so that Uppy's complete gets 503 complete_pending.
//
//   node uppy.spec.mjs            (run.sh installs what is missing first)
//
// Environment: FILES_JAR (default ../../target/quarkus-app/quarkus-run.jar), CHROMIUM (default
// /usr/bin/chromium), ARTIFACTS (default ./artifacts; screenshots), KEEP_TMP=1 keeps the
// temporary folder.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const jar = resolve(process.env.FILES_JAR ?? join(here, '..', '..', 'target', 'quarkus-app', 'quarkus-run.jar'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const artifacts = resolve(process.env.ARTIFACTS ?? join(here, 'artifacts'));
const KiB = 1024;
const MiB = 1024 * KiB;

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

const tmp = mkdtempSync(join(tmpdir(), 'files-api-uppy-'));
const embeddedDir = join(tmp, '.files-api');
const serviceLog = join(tmp, 'service.log');
let service;
let browser;
let pageServer;
let receiver;
let hookServer;
const hookCalls = []; // bodies the pre-complete hook got
const hookHolds = new Map(); // file name -> promise the hook's answer waits for
let base;
let apiKey;
let page;
const pageErrors = [];
const webhooks = []; // bodies the receiver got
const files = {}; // name -> { path, sha }

const api = (path, init = {}) =>
  fetch(`${base}${path}`, { ...init, headers: { Authorization: `Bearer ${apiKey}`, ...(init.headers ?? {}) } });

function makeFile(name, size) {
  const path = join(tmp, name);
  const bytes = randomBytes(size);
  writeFileSync(path, bytes);
  files[name] = { path, sha: sha256(bytes), size };
  return path;
}

async function main() {
  const pagePort = await freePort();
  const pageOrigin = `http://127.0.0.1:${pagePort}`;

  await check('a webhook receiver and the Uppy page (bundled from npm) are served', async () => {
    const bundle = await build({
      entryPoints: [join(here, 'uppy-page', 'entry.mjs')],
      bundle: true,
      format: 'iife',
      target: 'es2022',
      outdir: join(tmp, 'bundle'), // not written: the outputs stay in memory
      write: false,
      logLevel: 'silent',
    });
    const output = (ext) => bundle.outputFiles.find((f) => f.path.endsWith(ext))?.contents;
    const served = {
      '/': { type: 'text/html', body: readFileSync(join(here, 'uppy-page', 'index.html')) },
      '/bundle.js': { type: 'text/javascript', body: output('.js') },
      '/bundle.css': { type: 'text/css', body: output('.css') },
    };
    assert(served['/bundle.css'].body?.length > 0, 'the bundle has no styles (the Dashboard\'s CSS)');
    pageServer = createHttpServer((req, res) => {
      const file = served[req.url];
      if (!file) return res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': file.type }).end(file.body);
    });
    await new Promise((r) => pageServer.listen(pagePort, '127.0.0.1', r));
    receiver = createHttpServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        try {
          webhooks.push(JSON.parse(text));
        } catch {
          webhooks.push({ unparsable: text });
        }
        res.writeHead(204).end();
      });
    });
    await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
    // The operator's pre-complete hook: allows every file, but holds the answer for a file named
    // in hookHolds until the test releases it.
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
  });

  await check('the packaged service starts on its embedded default, CORS open to the page', async () => {
    assert(existsSync(jar), `no jar at ${jar}: build it with ./mvnw package -DskipTests`);
    const port = await freePort();
    base = `http://localhost:${port}`;
    const log = createWriteStream(serviceLog);
    service = spawn(
      'java',
      [
        `-Dquarkus.http.port=${port}`,
        '-Dquarkus.http.cors.enabled=true',
        `-Dquarkus.http.cors.origins=${pageOrigin}`,
        '-Dfiles.webhooks.allow-private-targets=true',
        '-Dfiles.webhooks.allow-http=true',
        // Ten waits of it (5 s) and Uppy's complete route answers 503 complete_pending.
        '-Dfiles.upload.complete-wait=500ms',
        `-Dfiles.hooks.pre-complete-url=http://127.0.0.1:${hookServer.address().port}/pre-complete`,
        '-Dfiles.hooks.timeout=120s',
        '-jar',
        jar,
      ],
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
    apiKey = readFileSync(join(embeddedDir, 'api-key'), 'utf8').trim();
    const hook = await api('/v1/webhooks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${receiver.address().port}/hooks` }),
    });
    assert(hook.status === 200 || hook.status === 201, `POST /v1/webhooks answered ${hook.status}: ${await hook.text()}`);
  });

  const created = {}; // filename -> uploadId
  const puts = []; // { upload, part, at }: part PUTs sent
  let failNextPartTwo = true;
  let refused500 = 0;
  let holdPuts = false;
  const held = [];
  const listPartsCalls = [];
  const deletes = [];

  await check('Chromium shows the Dashboard, @uppy/aws-s3 with companionEndpoint from POST /v1/uppy/tokens', async () => {
    const minted = await (await api('/v1/uppy/tokens', { method: 'POST' })).json();
    assert(minted.token?.startsWith('ut_'), `token ${JSON.stringify(minted)}`);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
    });
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(`console: ${m.text()}`));
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (request.method() === 'PUT' && url.searchParams.has('uploadId')) {
        puts.push({ upload: url.searchParams.get('uploadId'), part: Number(url.searchParams.get('partNumber')), at: Date.now() });
      }
      if (request.method() === 'GET' && /\/s3\/multipart\/[^/]+$/.test(url.pathname)) listPartsCalls.push(Date.now());
      if (request.method() === 'DELETE' && url.pathname.includes('/s3/multipart/')) deletes.push(url.pathname);
    });
    page.on('response', async (response) => {
      const request = response.request();
      if (request.method() === 'POST' && request.url().endsWith('/s3/multipart') && response.ok()) {
        const body = await response.json();
        created[request.postDataJSON().filename] = body.uploadId;
      }
    });
    await context.route(
      (url) => url.searchParams.has('uploadId'),
      async (route) => {
        const request = route.request();
        if (request.method() !== 'PUT') return route.continue();
        if (holdPuts) {
          held.push(route);
          return undefined;
        }
        if (failNextPartTwo && new URL(request.url()).searchParams.get('partNumber') === '2') {
          failNextPartTwo = false;
          refused500++;
          return route.fulfill({
            status: 500,
            headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/xml' },
            body: '<Error><Code>InternalError</Code><Message>We encountered an internal error</Message></Error>',
          });
        }
        return route.continue();
      },
    );
    const response = await page.goto(pageOrigin + '/');
    assert(response.ok(), `GET / answered ${response.status()}`);
    assert(await page.evaluate((e) => window.startUppy(e), minted.companion_endpoint), 'startUppy failed');
    await page.locator('.uppy-Dashboard-inner').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'browse files' }).waitFor({ timeout: 10_000 });
  });

  // The Dashboard as a user sees it.
  const statusBar = () => page.locator('.uppy-StatusBar');
  const item = (name) =>
    page.locator('.uppy-Dashboard-Item', { has: page.locator('.uppy-Dashboard-Item-name', { hasText: name }) });
  /** Picks files through the Dashboard's "browse files" button, i.e. the browser's file chooser. */
  async function pickFiles(paths) {
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'browse files' }).click(),
    ]);
    await chooser.setFiles(paths);
    for (const path of [paths].flat()) await item(path.split('/').at(-1)).waitFor({ timeout: 10_000 });
  }
  /** The Dashboard's Upload button, which must say how many files it starts. */
  async function clickUpload(count) {
    const button = page.locator('.uppy-StatusBar-actionBtn--upload');
    const label = (await button.textContent()).trim();
    const expected = `Upload ${count} file${count === 1 ? '' : 's'}`;
    assert(label === expected, `the Upload button says "${label}", expected "${expected}"`);
    await button.click();
  }
  /** The Dashboard's Done button (shown once everything is complete) empties it for the next files. */
  async function clickDone() {
    await page.locator('.uppy-StatusBar-actionBtn--done').click();
    await page.getByRole('button', { name: 'browse files' }).waitFor({ timeout: 10_000 });
    assert((await page.locator('.uppy-Dashboard-Item').count()) === 0, 'Done left files in the Dashboard');
  }
  async function assertDashboardComplete(names) {
    await page.locator('.uppy-StatusBar.is-complete').waitFor({ timeout: 30_000 });
    const primary = (await statusBar().locator('.uppy-StatusBar-statusPrimary').textContent()).trim();
    assert(primary === 'Complete', `the status bar says "${primary}"`);
    const progress = await statusBar().locator('[role=progressbar]').getAttribute('aria-valuenow');
    assert(progress === '100', `the status bar's progress is ${progress}`);
    for (const name of names) {
      const classes = await item(name).getAttribute('class');
      assert(/\bis-complete\b/.test(classes), `${name} is shown as "${classes}", not complete`);
      const indicator = await item(name).locator('.uppy-Dashboard-Item-progressIcon--check').count();
      assert(indicator === 1, `${name} shows no check mark`);
    }
  }

  await check('1 KiB and 20 MiB picked in the Dashboard and uploaded with its button; a part PUT answered 500 once is retried', async () => {
    await pickFiles([makeFile('one-kib.bin', KiB), makeFile('twenty-mib.bin', 20 * MiB)]);
    await clickUpload(2);
    await waitFor(
      'both uploads to succeed',
      () => page.evaluate(() => {
        const log = window.uppyLog;
        const errors = Object.entries(log.error);
        if (errors.length) throw new Error(`upload-error: ${JSON.stringify(errors)}`);
        return log.success['one-kib.bin'] && log.success['twenty-mib.bin'];
      }),
      180_000,
    );
    await assertDashboardComplete(['one-kib.bin', 'twenty-mib.bin']);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'uppy-dashboard-complete.png'), fullPage: true });
    assert(refused500 === 1, `refused ${refused500} PUTs with 500`);
    const partTwo = puts.filter((p) => p.upload && p.part === 2);
    assert(partTwo.length === 2, `part 2 was PUT ${partTwo.length} times, expected twice (500, then the retry)`);
    const success = await page.evaluate(() => window.uppyLog.success);
    assert(success['twenty-mib.bin'].location.endsWith('/v1/files/download/twenty-mib.bin'), `location ${success['twenty-mib.bin'].location}`);
    assert(success['twenty-mib.bin'].key.startsWith('fil_'), `key ${success['twenty-mib.bin'].key}`);
    await clickDone();
  });

  await check('a 300 MiB file pauses and resumes with its Dashboard button: listParts, and no finished part is sent again', async () => {
    await pickFiles(makeFile('three-hundred-mib.bin', 300 * MiB));
    const fileId = await page.evaluate(() => window.fileIdOf('three-hundred-mib.bin'));
    const putsBefore = puts.length;
    await clickUpload(1);
    // @uppy/aws-s3 sends one file's parts one after the other: the PUT of part 4 means parts 1-3
    // are stored and known to the page.
    await waitFor('the PUT of part 4', () => puts.slice(putsBefore).some((p) => p.part === 4), 180_000, 20);
    const button = item('three-hundred-mib.bin').locator('.uppy-Dashboard-Item-progressIndicator');
    assert((await button.getAttribute('aria-label')) === 'Pause upload', `the file's button is "${await button.getAttribute('aria-label')}"`);
    await button.click();
    const pausedAt = Date.now();
    const requested = puts.slice(putsBefore).map((p) => p.part);
    const donePaused = [...new Set(requested)].filter((n) => n < Math.max(...requested));
    const listsBefore = listPartsCalls.length;
    await item('three-hundred-mib.bin').locator('button[aria-label="Resume upload"]').waitFor({ timeout: 10_000 });
    await statusBar().locator('.uppy-StatusBar-statusPrimary', { hasText: 'Paused' }).waitFor({ timeout: 10_000 });
    const shown = Number(await statusBar().locator('[role=progressbar]').getAttribute('aria-valuenow'));
    const paused = await page.evaluate((id) => window.uppy.getFile(id).isPaused, fileId);
    assert(paused === true, 'the Dashboard shows the file paused, Uppy does not have it paused');
    assert(shown > 0 && shown < 100, `the status bar shows ${shown}% while paused`);
    await item('three-hundred-mib.bin').locator('button[aria-label="Resume upload"]').click();
    await waitFor('the resume to list the parts', () => listPartsCalls.length > listsBefore, 30_000);
    await waitFor(
      'the 300 MiB upload to succeed',
      () => page.evaluate(() => {
        const log = window.uppyLog;
        if (log.error['three-hundred-mib.bin']) throw new Error(`upload-error: ${log.error['three-hundred-mib.bin']}`);
        return log.success['three-hundred-mib.bin'];
      }),
      600_000,
      500,
    );
    await assertDashboardComplete(['three-hundred-mib.bin']);
    const uploadId = created['three-hundred-mib.bin'];
    const resent = puts.filter((p) => p.upload && p.at > pausedAt && donePaused.includes(p.part));
    console.log(`  parts done at the pause: [${donePaused}] (${shown}% shown); PUTs after it: ${puts.filter((p) => p.at > pausedAt).length}`);
    assert(resent.length === 0, `finished parts sent again after the resume: ${resent.map((p) => p.part)}`);
    const view = await (await api(`/v1/files/uploads/${uploadId}`)).json();
    assert(view.status === 'completed' && view.total_bytes === 300 * MiB && view.num_parts === 60, `upload ${JSON.stringify(view)}`);
    await clickDone();
  });

  await check('mid-upload, a file\'s Remove button and then the Cancel button abort their uploads in the service', async () => {
    holdPuts = true;
    await pickFiles([makeFile('remove-me.bin', 12 * MiB), makeFile('cancel-me.bin', 12 * MiB)]);
    await clickUpload(2);
    await waitFor(
      'held PUTs of both files',
      () => {
        // The PUTs carry the store's upload ids: two different ones are the two files.
        const storeUploads = new Set(held.map((route) => new URL(route.request().url()).searchParams.get('uploadId')));
        return created['remove-me.bin'] && created['cancel-me.bin'] && storeUploads.size === 2;
      },
      60_000,
    );
    await page.locator('.uppy-StatusBar.is-uploading').waitFor({ timeout: 10_000 });
    const deleted = (name) =>
      page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().includes(`/s3/multipart/${created[name]}`));
    const status = async (name) => (await (await api(`/v1/files/uploads/${created[name]}`)).json()).status;

    const removed = deleted('remove-me.bin');
    await item('remove-me.bin').getByRole('button', { name: 'Remove file' }).click();
    assert((await removed).status() === 200, 'the DELETE of remove-me.bin did not answer 200');
    await item('remove-me.bin').waitFor({ state: 'detached', timeout: 10_000 });
    assert((await status('remove-me.bin')) === 'aborted', 'remove-me.bin is not aborted');
    assert((await status('cancel-me.bin')) === 'in_progress', 'removing one file touched the other');
    assert((await item('cancel-me.bin').count()) === 1, 'cancel-me.bin left the Dashboard');

    const cancelled = deleted('cancel-me.bin');
    await statusBar().getByRole('button', { name: 'Cancel' }).click();
    assert((await cancelled).status() === 200, 'the DELETE of cancel-me.bin did not answer 200');
    // Cancel empties the Dashboard: it offers to browse files again.
    await page.getByRole('button', { name: 'browse files' }).waitFor({ timeout: 10_000 });
    assert((await page.locator('.uppy-Dashboard-Item').count()) === 0, 'a cancelled file is still shown');
    assert((await page.evaluate(() => window.uppyLog.cancelled)) === 1, 'no cancel-all event');
    assert((await status('cancel-me.bin')) === 'aborted', 'cancel-me.bin is not aborted');
    holdPuts = false;
    for (const route of held.splice(0)) await route.abort().catch(() => {});
  });

  /**
   * Uploads `name` through the Dashboard while the pre-complete hook holds its answer, so the
   * store has assembled the object but the service cannot register it within ten waits of
   * complete-wait: Uppy's complete gets 503 complete_pending and the Dashboard shows the file
   * failed. The service finishes the upload anyway once the hook answers. The file's Retry then
   * lists the parts (@uppy/aws-s3 never sends the same complete again) and completes with what the
   * listing returned. `retryWhile` "completed": the hook answers and the upload is completed
   * before Retry; "completing": Retry while the hook still holds (the listing of an upload the
   * store has assembled but the service has not registered), and the hook answers once the
   * listing has been answered, while the retried complete waits.
   */
  async function completePendingThenRetry(name, size, retryWhile) {
    let release;
    hookHolds.set(name, new Promise((r) => (release = r)));
    const routes = []; // the Uppy routes the page called: { method, path, status, request, body }
    const routeOf = (url) => {
      const path = new URL(url).pathname;
      const at = path.indexOf('/s3/');
      return at < 0 ? null : path.slice(at);
    };
    const onResponse = async (response) => {
      const path = routeOf(response.url());
      if (!path) return;
      const request = response.request();
      const entry = { method: request.method(), path, status: response.status(), request: request.postData() };
      routes.push(entry);
      entry.body = await response.text().catch(() => null);
    };
    page.on('response', onResponse);
    const isComplete = (r) => r.request().method() === 'POST' && /\/s3\/multipart\/[^/]+\/complete$/.test(new URL(r.url()).pathname);
    try {
      await pickFiles(makeFile(name, size));
      const firstComplete = page.waitForResponse(isComplete, { timeout: 120_000 });
      const started = Date.now();
      await clickUpload(1);
      const pending = await firstComplete;
      const problem = await pending.json();
      assert(pending.status() === 503 && problem.code === 'complete_pending', `the first complete answered ${pending.status()} ${JSON.stringify(problem)}`);
      console.log(`  the complete answered 503 complete_pending ${((Date.now() - started) / 1000).toFixed(1)} s after Upload was clicked`);

      // The Dashboard shows the file failed, with its Retry button.
      const failed = page.locator('.uppy-Dashboard-Item.is-error', { has: page.locator('.uppy-Dashboard-Item-name', { hasText: name }) });
      await failed.waitFor({ timeout: 30_000 });
      await statusBar().locator('.uppy-StatusBar-statusPrimary', { hasText: 'Upload failed' }).waitFor({ timeout: 10_000 });
      assert((await page.locator('.uppy-StatusBar.is-error').count()) === 1, 'the status bar is not in its error state');
      const retry = item(name).getByRole('button', { name: 'Retry upload' });
      assert(await retry.isVisible(), 'the file shows no Retry upload button');
      const error = await page.evaluate((n) => window.uppyLog.error[n], name);
      assert(/Service Unavailable/.test(error ?? ''), `upload-error: ${error}`);
      assert((await page.evaluate((n) => window.uppyLog.success[n], name)) === undefined, 'upload-success before the retry');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, `uppy-dashboard-complete-pending-${retryWhile}.png`), fullPage: true });

      // The service still completes the upload: the store has assembled it, the hook decides.
      const uploadId = created[name];
      const status = async () => (await (await api(`/v1/files/uploads/${uploadId}`)).json()).status;
      assert((await status()) === 'completing', `upload status ${await status()} while the hook holds its answer`);
      if (retryWhile === 'completed') {
        release();
        await waitFor('the upload to be completed', async () => (await status()) === 'completed', 60_000);
      }

      const putsBefore = puts.length;
      const routesBefore = routes.length;
      await page.evaluate((n) => delete window.uppyLog.error[n], name);
      await retry.click();
      if (retryWhile === 'completing') {
        await waitFor('the listing after Retry', () => routes.slice(routesBefore).some((r) => r.body !== undefined), 30_000, 20);
        console.log(`  the listing while completing: ${routes[routesBefore].status} ${routes[routesBefore].body}`);
        assert((await status()) === 'completing', `upload status ${await status()} after the listing, before the hook answered`);
        release();
      }
      await waitFor(
        'the retried upload to succeed',
        () => page.evaluate((n) => {
          const log = window.uppyLog;
          if (log.error[n]) throw new Error(`upload-error: ${log.error[n]}`);
          return log.success[n];
        }, name),
        60_000,
      );
      await assertDashboardComplete([name]);
      await waitFor('the complete\'s answer to be read', () => routes.slice(routesBefore).every((r) => r.body !== undefined), 10_000, 50);
      const after = routes.slice(routesBefore);
      console.log(`  after Retry: ${after.map((r) => `${r.method} ${r.path.replace(/\?.*/, '')} ${r.status}`).join(', ')}; part PUTs: ${puts.length - putsBefore}`);
      // Retry: list the parts, then complete; no part signed or sent again.
      assert(after.length === 2, `${after.length} Uppy requests after Retry, expected the listing and the complete`);
      const [listing, complete] = after;
      assert(listing.method === 'GET' && listing.path.replace(/\?.*/, '') === `/s3/multipart/${uploadId}`, `first ${listing.method} ${listing.path}`);
      assert(listing.status === 200, `the listing answered ${listing.status}: ${listing.body}`);
      // Every part, with the ETag "assembled" and no Size (the store's parts are gone).
      const parts = Math.ceil(size / (5 * MiB));
      const expectedListing = [...Array(parts).keys()].map((n) => `${n + 1} assembled no Size`);
      const listed = JSON.parse(listing.body).map((p) => `${p.PartNumber} ${p.ETag} ${'Size' in p ? p.Size : 'no Size'}`);
      assert(JSON.stringify(listed) === JSON.stringify(expectedListing), `the listing ${listing.body}`);
      assert(complete.method === 'POST' && complete.path.startsWith(`/s3/multipart/${uploadId}/complete`), `then ${complete.method} ${complete.path}`);
      const sent = JSON.parse(complete.request).parts.map((p) => `${p.PartNumber} ${p.ETag}`);
      const expectedSent = [...Array(parts).keys()].map((n) => `${n + 1} assembled`);
      assert(JSON.stringify(sent) === JSON.stringify(expectedSent), `the complete sent ${complete.request}`);
      assert(complete.status === 200, `the retried complete answered ${complete.status}: ${complete.body}`);
      assert(puts.length === putsBefore, `${puts.length - putsBefore} part PUTs after Retry`);
      const success = await page.evaluate((n) => window.uppyLog.success[n], name);
      assert(success.location.endsWith(`/v1/files/download/${name}`), `location ${success.location}`);
      const asked = hookCalls.filter((c) => c.upload?.upload_id === uploadId).length;
      assert(asked === 1, `the pre-complete hook was asked ${asked} times for the upload`);

      const view = await (await api(`/v1/files/uploads/${uploadId}`)).json();
      assert(view.status === 'completed' && view.total_bytes === size && view.num_parts === parts, `upload ${JSON.stringify(view)}`);
      const named = (await (await api('/v1/files/metadata')).json()).filter((f) => f.file_id === name);
      assert(named.length === 1, `${name} is listed ${named.length} times`);
      const response = await api(`/v1/files/download/${name}`);
      const bytes = Buffer.from(await response.arrayBuffer());
      assert(response.ok && sha256(bytes) === files[name].sha, `${name} came back different (${response.status}, ${bytes.length} bytes)`);
      await clickDone();
    } finally {
      release?.();
      page.off('response', onResponse);
    }
  }

  await check('a complete answered 503 complete_pending fails in the Dashboard; after the service completed it, Retry lists the parts, sends none again and gets the file', () =>
    completePendingThenRetry('assembled-meanwhile.bin', 8 * MiB + 1234, 'completed'));

  // While the hook still holds the complete, the store has assembled the object: S3Proxy lists a
  // multipart upload it completed as one without parts (AWS S3: NoSuchUpload), and the service
  // answers the listing from the object at the upload's key.
  await check('Retry while the service still completes (the hook holds): the listing finds the assembled parts, the complete waits and gets the file', () =>
    completePendingThenRetry('retried-while-completing.bin', 6 * MiB, 'completing'));
  const retried = ['assembled-meanwhile.bin', 'retried-while-completing.bin'];

  await check('every uploaded file is listed and downloads byte for byte', async () => {
    const listed = await (await api('/v1/files/metadata')).json();
    const names = listed.map((f) => f.file_id);
    for (const name of ['one-kib.bin', 'twenty-mib.bin', 'three-hundred-mib.bin']) {
      assert(names.includes(name), `${name} is not listed: ${names}`);
      const response = await api(`/v1/files/download/${encodeURIComponent(name)}`);
      assert(response.ok, `download of ${name} answered ${response.status}`);
      const bytes = Buffer.from(await response.arrayBuffer());
      assert(bytes.length === files[name].size, `${name}: ${bytes.length} bytes`);
      assert(sha256(bytes) === files[name].sha, `${name} came back different`);
    }
    for (const name of ['remove-me.bin', 'cancel-me.bin']) assert(!names.includes(name), `the cancelled ${name} is listed`);
  });

  await check('webhooks arrived: upload.completed for each file, upload.aborted for the cancelled ones', async () => {
    const has = (type, uploadId) => webhooks.some((w) => w.type === type && JSON.stringify(w).includes(uploadId));
    await waitFor(
      'the webhooks',
      () =>
        ['one-kib.bin', 'twenty-mib.bin', 'three-hundred-mib.bin', ...retried].every((n) => has('upload.completed', created[n])) &&
        has('upload.aborted', created['remove-me.bin']) &&
        has('upload.aborted', created['cancel-me.bin']),
      120_000,
      500,
    );
    // A complete that answered 503 and its retry: one upload.completed.
    for (const name of retried) {
      const sent = webhooks.filter((w) => w.type === 'upload.completed' && JSON.stringify(w).includes(created[name])).length;
      assert(sent === 1, `upload.completed was sent ${sent} times for ${name} (completed through Retry)`);
    }
  });

  await check('the page logged no errors', async () => {
    // The refused and cancelled PUTs (and the 503) show up as failed network requests, not as
    // errors here; Uppy logs each failed complete once (its upload-error, which Retry resolved).
    const completePending = /^console: \[Uppy\] \[[^\]]*\] Companion request failed: Service Unavailable$/;
    const logged = pageErrors.filter((e) => completePending.test(e)).length;
    assert(logged === retried.length, `Uppy logged the ${retried.length} 503 completes ${logged} times`);
    const unexpected = pageErrors.filter((e) => !/Failed to load resource/.test(e) && !completePending.test(e));
    assert(unexpected.length === 0, unexpected.join('\n'));
  });
}

async function stop() {
  await browser?.close().catch(() => {});
  pageServer?.close();
  receiver?.close();
  hookServer?.closeAllConnections();
  hookServer?.close();
  if (service && service.exitCode === null) {
    const exited = new Promise((r) => service.once('exit', r));
    service.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    if (service.exitCode === null) service.kill('SIGKILL');
  }
  if (failedEarlier && existsSync(serviceLog)) {
    const lines = readFileSync(serviceLog, 'utf8').trimEnd().split('\n');
    console.log(`  last lines of the service log:\n  ${lines.slice(-40).join('\n  ')}`);
  }
  if (!process.env.KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
  else console.log(`kept ${tmp}`);
}

try {
  await main();
} finally {
  await stop();
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
