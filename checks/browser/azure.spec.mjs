// The uploader page in real headless Chromium against the packaged service on Azure Blob: Azurite
// (its blob service, strict, started here with a CORS rule as docs/stores/azure.md gives it and
// one container) and the jar with files.storage.backend=azure over its embedded database. The page
// PUTs each part to a Put Block URL, which answers 201 without an ETag; it sends the empty token,
// the service commits the blocks, and the file comes back byte for byte. Also: Uppy's routes are
// refused with 501 there.
//
//   node azure.spec.mjs            (run.sh runs it where Azurite is installed)
//
// Environment: FILES_JAR, CHROMIUM as upload.spec.mjs; AZURITE (default FILES_TEST_AZURITE_BIN,
// else /opt/files-azurite/node_modules/.bin/azurite-blob).
import { spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const jar = resolve(process.env.FILES_JAR ?? join(here, '..', '..', 'target', 'quarkus-app', 'quarkus-run.jar'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const azuriteBin =
  process.env.AZURITE ?? process.env.FILES_TEST_AZURITE_BIN ?? '/opt/files-azurite/node_modules/.bin/azurite-blob';
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const CONTAINER = 'files';
const MiB = 1024 * 1024;

const results = [];
let failedEarlier = null;
async function check(name, fn) {
  if (failedEarlier) {
    results.push(false);
    console.log(`not ok - ${name} (not run: "${failedEarlier}" failed)`);
    return;
  }
  const started = Date.now();
  try {
    await fn();
    results.push(true);
    console.log(`ok - ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (e) {
    results.push(false);
    failedEarlier = name;
    console.log(`not ok - ${name}\n  ${String(e?.stack ?? e).replaceAll('\n', '\n  ')}`);
  }
}
const assert = (condition, message) => {
  if (!condition) throw new Error(message);
};
async function waitFor(what, predicate, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const freePort = () =>
  new Promise((ok, fail) => {
    const server = createServer().on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** A Blob service call signed with Shared Key (the account key), as the service signs its own. */
async function azure(port, method, path, query, body = '') {
  const headers = { 'x-ms-date': new Date().toUTCString(), 'x-ms-version': '2021-08-06', 'Content-Type': 'application/xml' };
  const length = Buffer.byteLength(body);
  const canonicalHeaders = Object.keys(headers)
    .filter((h) => h.startsWith('x-ms-'))
    .sort()
    .map((h) => `${h}:${headers[h]}\n`)
    .join('');
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `\n${k}:${query[k]}`)
    .join('');
  const toSign =
    [method, '', '', length > 0 ? String(length) : '', '', headers['Content-Type'], '', '', '', '', '', ''].join('\n') +
    '\n' + canonicalHeaders + `/${ACCOUNT}/${ACCOUNT}${path}` + canonicalQuery;
  const signature = createHmac('sha256', Buffer.from(KEY, 'base64')).update(toSign, 'utf8').digest('base64');
  const url = `http://127.0.0.1:${port}/${ACCOUNT}${path}?${new URLSearchParams(query)}`;
  const response = await fetch(url, { method, body: length ? body : undefined, headers: { ...headers, Authorization: `SharedKey ${ACCOUNT}:${signature}` } });
  assert(response.ok, `${method} ${path}: ${response.status} ${await response.text()}`);
}

const tmp = mkdtempSync(join(tmpdir(), 'files-api-azure-browser-'));
let azurite;
let service;
let context;

async function main() {
  let azuritePort;
  let base;
  let apiKey;
  let page;
  await check('Azurite starts with a CORS rule and a container', async () => {
    assert(existsSync(azuriteBin), `no Azurite at ${azuriteBin}`);
    azuritePort = await freePort();
    const log = createWriteStream(join(tmp, 'azurite.log'));
    azurite = spawn(
      azuriteBin,
      ['--blobHost', '127.0.0.1', '--blobPort', String(azuritePort), '--location', join(tmp, 'azurite'), '--skipApiVersionCheck', '--disableTelemetry'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    azurite.stdout.pipe(log);
    azurite.stderr.pipe(log);
    await waitFor('Azurite', async () => fetch(`http://127.0.0.1:${azuritePort}/`).then(() => true, () => false), 60_000);
    await azure(
      azuritePort,
      'PUT',
      '/',
      { comp: 'properties', restype: 'service' },
      '<?xml version="1.0" encoding="utf-8"?><StorageServiceProperties><Cors><CorsRule>' +
        '<AllowedOrigins>*</AllowedOrigins><AllowedMethods>GET,PUT,OPTIONS</AllowedMethods>' +
        '<MaxAgeInSeconds>3600</MaxAgeInSeconds><ExposedHeaders>ETag</ExposedHeaders>' +
        '<AllowedHeaders>*</AllowedHeaders></CorsRule></Cors></StorageServiceProperties>',
    );
    await azure(azuritePort, 'PUT', `/${CONTAINER}`, { restype: 'container' });
  });

  await check('the packaged service starts on Azure', async () => {
    assert(existsSync(jar), `no jar at ${jar}`);
    const port = await freePort();
    base = `http://localhost:${port}`;
    const log = createWriteStream(join(tmp, 'service.log'));
    service = spawn('java', [`-Dquarkus.http.port=${port}`, '-Dfiles.upload.part-size=5M', '-jar', jar], {
      cwd: tmp,
      env: {
        ...process.env,
        FILES_EMBEDDED_DIR: join(tmp, '.files-api'),
        FILES_STORAGE_BACKEND: 'azure',
        FILES_STORAGE_BUCKET: CONTAINER,
        FILES_STORAGE_AZURE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:${azuritePort}/${ACCOUNT};`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stdout.pipe(log);
    service.stderr.pipe(log);
    await waitFor('GET /q/health/ready', () => fetch(`${base}/q/health/ready`).then((r) => r.status === 200, () => false), 300_000);
    apiKey = readFileSync(join(tmp, '.files-api', 'api-key'), 'utf8').trim();
  });

  await check('the page uploads 12 MiB in 3 parts to Put Block URLs and the file comes back', async () => {
    context = await chromium.launchPersistentContext(join(tmp, 'chromium-profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    const puts = [];
    context.on('response', (r) => r.request().method() === 'PUT' && puts.push({ url: r.url(), status: r.status(), etag: r.headers().etag }));
    await page.goto(`${base}/upload/`);
    await page.getByLabel('API key').fill(apiKey);
    await page.locator('#key-status.ok').waitFor({ timeout: 30_000 });
    const bytes = randomBytes(12 * MiB + 5);
    const file = join(tmp, 'azure-page.bin');
    writeFileSync(file, bytes);
    await page.locator('#file-input').setInputFiles(file);
    await page.locator('.upload.done[data-file="azure-page.bin"]').waitFor({ timeout: 120_000 });
    const blocks = puts.filter((p) => /[?&]comp=block(&|$)/.test(p.url));
    assert(blocks.length === 3, `Put Block requests: ${JSON.stringify(puts)}`);
    assert(blocks.every((p) => p.status === 201 && p.etag === undefined), `answers: ${JSON.stringify(blocks)}`);
    const back = Buffer.from(await (await fetch(`${base}/v1/files/download/azure-page.bin`, { headers: { Authorization: `Bearer ${apiKey}` } })).arrayBuffer());
    assert(sha256(back) === sha256(bytes), 'azure-page.bin came back different');
  });

  await check("Uppy's routes answer 501 not_supported_by_store", async () => {
    const response = await fetch(`${base}/v1/uppy/s3/multipart`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ filename: 'a.bin', type: 'application/octet-stream' }),
    });
    const body = await response.json();
    assert(response.status === 501 && body.code === 'not_supported_by_store', `${response.status} ${JSON.stringify(body)}`);
  });
}

try {
  await main();
} finally {
  await context?.close().catch(() => {});
  service?.kill('SIGTERM');
  azurite?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  if (!process.env.KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
  const passed = results.filter(Boolean).length;
  console.log(`${passed} passed, ${results.length - passed} failed`);
  process.exitCode = passed === results.length ? 0 : 1;
}
