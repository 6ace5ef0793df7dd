// The upload engine: the Files API client and one FileUpload per picked file. No DOM here;
// app.js renders what the 'change' events report.
import { crc32cBase64, crc32cCombine, crc32cOfBlob } from './crc32c.js';

const RETRYABLE_API = new Set([408, 429, 500, 502, 503, 504]);

/** An error answer of the API (a problem body) or of a part PUT. */
export class UploadError extends Error {
  constructor(message, { status = 0, code = null, parts = null, retryable = false } = {}) {
    super(message);
    this.name = 'UploadError';
    this.status = status;
    this.code = code;
    this.parts = parts;
    this.retryable = retryable;
  }
}

export function isAbort(error) {
  return error?.name === 'AbortError';
}

function abortError() {
  return new DOMException('The upload was stopped', 'AbortError');
}

/** Waits ms milliseconds, or rejects at once when the signal aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(abortError());
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with jitter: ~0.5 s, 1 s, 2 s, … capped at 30 s. */
export function backoffMs(attempt, retryAfterSeconds) {
  if (retryAfterSeconds > 0) return Math.min(retryAfterSeconds, 60) * 1000;
  const base = Math.min(30000, 500 * 2 ** attempt);
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

/** The Files API, authenticated with one API key. */
export class Api {
  constructor(key, base = '/v1') {
    this.key = key;
    this.base = base;
  }

  headers(json) {
    const h = { Authorization: `Bearer ${this.key}` };
    if (json) h['Content-Type'] = 'application/json';
    return h;
  }

  /**
   * One JSON call, retried with backoff on network errors, 408, 429 and 5xx. With onAccepted, a
   * 202 (complete: the store is still assembling the file) is told to it and the call is sent
   * again after Retry-After, until another answer.
   */
  async call(method, path, body, { signal, attempts = 6, onRetry, onAccepted } = {}) {
    for (let attempt = 0; ; attempt++) {
      let response;
      try {
        response = await fetch(this.base + path, {
          method,
          headers: this.headers(body !== undefined),
          body: body === undefined ? undefined : JSON.stringify(body),
          signal,
          cache: 'no-store',
        });
      } catch (e) {
        if (signal?.aborted || isAbort(e)) throw abortError();
        if (attempt + 1 >= attempts) {
          throw new UploadError(`The service cannot be reached (${e.message})`, { retryable: true });
        }
        onRetry?.(`service unreachable`, attempt);
        await sleep(backoffMs(attempt), signal);
        continue;
      }
      if (response.status === 202 && onAccepted) {
        onAccepted(await response.json().catch(() => null));
        await sleep(backoffMs(0, Number(response.headers.get('Retry-After')) || 1), signal);
        attempt--; // not a failure: the work goes on
        continue;
      }
      if (response.ok) {
        const text = await response.text();
        return text ? JSON.parse(text) : null;
      }
      const problem = await response.json().catch(() => null);
      // A gateway's 502 may pass; the service's own 502 storage_rejected needs an operator.
      const retryable = RETRYABLE_API.has(response.status) && problem?.code !== 'storage_rejected';
      if (retryable && attempt + 1 < attempts) {
        onRetry?.(`HTTP ${response.status}`, attempt);
        await sleep(backoffMs(attempt, Number(response.headers.get('Retry-After'))), signal);
        continue;
      }
      throw new UploadError(problem?.detail || problem?.title || `HTTP ${response.status}`, {
        status: response.status,
        code: problem?.code ?? null,
        parts: problem?.parts ?? null,
        retryable,
      });
    }
  }

  initiate(request, options) {
    return this.call('POST', '/files/uploads/initiate', request, options);
  }

  partUrls(uploadId, partNumbers, options) {
    return this.call('POST', `/files/uploads/${enc(uploadId)}/parts/urls`, { part_numbers: partNumbers }, options);
  }

  checkpoint(uploadId, parts, options) {
    return this.call('POST', `/files/uploads/${enc(uploadId)}/parts/checkpoint`, { parts }, options);
  }

  complete(uploadId, body, options) {
    return this.call('POST', `/files/uploads/${enc(uploadId)}/complete`, body, options);
  }

  abort(uploadId, options) {
    return this.call('POST', `/files/uploads/${enc(uploadId)}/abort`, undefined, options);
  }

  info(options) {
    return this.call('GET', '/files/info', undefined, { attempts: 1, ...options });
  }

  uploadsInProgress(options) {
    return this.call('GET', '/files/uploads?status=in_progress&limit=100', undefined, { attempts: 1, ...options });
  }

  /**
   * GETs /files/download/{file_id} with the key; fetch follows the 302 to the presigned URL
   * (the browser drops the Authorization header on that cross-origin hop). The response's url
   * is that presigned URL.
   */
  async download(fileId, signal) {
    const response = await fetch(`${this.base}/files/download/${enc(fileId)}`, {
      headers: this.headers(false),
      signal,
      cache: 'no-store',
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => null);
      throw new UploadError(problem?.detail || `Download failed: HTTP ${response.status}`, {
        status: response.status,
        code: problem?.code ?? null,
      });
    }
    return response;
  }
}

function enc(segment) {
  return encodeURIComponent(segment);
}

/** At most n holders at a time: bounds the part PUTs of all files together. */
export class Limiter {
  constructor(n) {
    this.n = n;
    this.active = 0;
    this.waiting = [];
  }

  async acquire(signal) {
    signal?.throwIfAborted();
    if (this.active < this.n) {
      this.active++;
      return;
    }
    await new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.waiting = this.waiting.filter((w) => w !== waiter);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  release() {
    const next = this.waiting.shift();
    if (next) next.resolve(); // the slot passes straight to the next waiter
    else this.active--;
  }

  resize(n) {
    this.n = n;
    while (this.active < this.n && this.waiting.length) {
      this.active++;
      this.waiting.shift().resolve();
    }
  }
}

/** PUTs one part with XMLHttpRequest (for upload progress); resolves with the ETag (or '' on Azure). */
function putPart(url, body, signal, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const done = (fn, value) => {
      signal.removeEventListener('abort', onAbort);
      fn(value);
    };
    xhr.open('PUT', url);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        const etag = xhr.getResponseHeader('ETag');
        if (etag) return done(resolve, etag);
        // Azure's Put Block (a comp=block URL) answers no ETag: the part's token is empty.
        if (/[?&]comp=block(&|$)/.test(url)) return done(resolve, '');
        return done(
          reject,
          new UploadError(
            'The store answered without a readable ETag header: the bucket\u2019s CORS rules must expose ETag (see docs/clients.md, Bucket CORS for browser uploads)',
            { status: xhr.status },
          ),
        );
      }
      const retryable = xhr.status === 403 || xhr.status === 408 || xhr.status === 429 || xhr.status >= 500;
      done(reject, new UploadError(`the store answered HTTP ${xhr.status}`, { status: xhr.status, retryable }));
    };
    xhr.onerror = () =>
      done(reject, new UploadError('network error or CORS refusal', { status: 0, retryable: true }));
    xhr.ontimeout = () => done(reject, new UploadError('timed out', { status: 0, retryable: true }));
    xhr.onabort = () => done(reject, abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    xhr.send(body);
  });
}

/**
 * One file's upload: initiate (resuming a started one), parallel part PUTs with a checkpoint
 * after each, fresh URLs near expiry or after a 403, complete. Dispatches 'change' whenever
 * something visible changes.
 */
export class FileUpload extends EventTarget {
  constructor(file, { api, limiter, concurrency = 4, expiryMarginMs = 90_000, maxAttempts = 8 }) {
    super();
    this.file = file;
    this.api = api;
    this.limiter = limiter;
    this.concurrency = Math.max(1, concurrency);
    this.expiryMarginMs = expiryMarginMs;
    this.maxAttempts = maxAttempts;
    this.controller = new AbortController();
    this.state = 'waiting'; // starting | uploading | completing | done | failed | cancelling | cancelled
    this.message = 'Waiting';
    this.note = '';
    this.uploadId = null;
    this.numParts = 0;
    this.partsDone = 0;
    this.resumedParts = 0;
    this.bytesDone = 0; // bytes of finished parts, checkpointed earlier ones included
    this.inflight = new Map(); // part number -> bytes sent so far
    this.sentThisSession = 0;
    this.samples = []; // [time, bytes sent this session] for the speed
    this.tokens = new Map(); // part number -> ETag, for parts sent in this page
    this.urls = new Map(); // part number -> {url, expiresAt, stale}
    this.crcs = new Map(); // part number -> {crc, length}
    this.result = null;
    this.error = null;
  }

  get totalBytes() {
    return this.file.size;
  }

  get bytesSent() {
    let inflight = 0;
    for (const n of this.inflight.values()) inflight += n;
    return Math.min(this.totalBytes, this.bytesDone + inflight);
  }

  /** Bytes per second over the last five seconds. */
  get speed() {
    const s = this.samples;
    if (s.length < 2) return 0;
    const [t0, b0] = s[0];
    const [t1, b1] = s[s.length - 1];
    return t1 > t0 ? ((b1 - b0) * 1000) / (t1 - t0) : 0;
  }

  emit() {
    const now = performance.now();
    let inflight = 0;
    for (const n of this.inflight.values()) inflight += n;
    this.samples.push([now, this.sentThisSession + inflight]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift();
    this.dispatchEvent(new Event('change'));
  }

  setState(state, message) {
    this.state = state;
    this.message = message;
    this.note = '';
    this.dispatchEvent(new Event('state'));
    this.emit();
  }

  retrying(what) {
    return (reason, attempt) => {
      this.note = `${what}: ${reason}, retry ${attempt + 1}`;
      this.emit();
    };
  }

  async run() {
    const signal = this.controller.signal;
    try {
      this.setState('starting', 'Starting');
      const fileType = this.file.type || 'application/octet-stream';
      const init = await this.api.initiate(
        { filename: this.file.name, file_type: fileType, num_bytes: this.file.size, resume_if_started: true },
        { signal, onRetry: this.retrying('Starting') },
      );
      this.uploadId = init.upload_id;
      this.numParts = init.num_parts;
      this.integrity = init.integrity_algorithm;
      this.isResume = init.is_resume;
      const remaining = [...init.parts].sort((a, b) => a.part_number - b.part_number);
      const remainingBytes = remaining.reduce((sum, p) => sum + p.length, 0);
      this.bytesDone = this.totalBytes - remainingBytes;
      this.partsDone = this.numParts - remaining.length;
      this.resumedParts = init.is_resume ? this.partsDone : 0;
      this.partSize =
        init.part_size ?? (remaining.length > 0 && remaining[0].part_number < this.numParts - 1 ? remaining[0].length : null);
      for (const p of remaining) this.remember(p);
      this.setState(
        'uploading',
        init.is_resume
          ? `Resuming: ${this.partsDone} of ${this.numParts} parts were already stored`
          : 'Uploading',
      );

      const tasks = [this.sendParts(remaining, signal)];
      if (this.integrity === 'crc32c') tasks.push(this.checksumStoredParts(remaining, signal));
      await this.settleAll(tasks);

      this.setState('completing', 'Completing');
      this.result = await this.completeWithRepair(signal);
      this.setState('done', `Uploaded as \u201c${this.result.file_id ?? this.result.file_name}\u201d`);
    } catch (e) {
      if (this.state === 'cancelling' || isAbort(e)) {
        await this.abortRemotely();
        return;
      }
      this.error = e;
      this.setState('failed', `Failed: ${e.message}`);
    }
  }

  /** Like Promise.all, but stops the other tasks when one fails. */
  async settleAll(tasks) {
    try {
      await Promise.all(tasks);
    } catch (e) {
      this.controller.abort();
      throw e;
    }
  }

  remember(part) {
    this.urls.set(part.part_number, { url: part.url, expiresAt: Date.parse(part.expires_at), stale: false });
  }

  /** Sends the parts with up to `concurrency` PUTs of this file at once (and the global limit). */
  async sendParts(parts, signal) {
    const queue = parts.slice();
    this.queue = queue;
    const worker = async () => {
      while (queue.length > 0) {
        const part = queue.shift();
        await this.limiter.acquire(signal);
        let token;
        try {
          token = await this.sendPart(part, signal);
        } finally {
          this.limiter.release();
        }
        this.tokens.set(part.part_number, token);
        this.inflight.delete(part.part_number);
        this.partsDone++;
        this.bytesDone += part.length;
        this.sentThisSession += part.length;
        this.emit();
        try {
          await this.api.checkpoint(this.uploadId, [{ part_number: part.part_number, part_token: token }], {
            signal,
            onRetry: this.retrying(`Checkpoint of part ${part.part_number + 1}`),
          });
        } catch (e) {
          if (isAbort(e)) throw e;
          // Not fatal: complete sends this part's token. Only a reload would re-send it.
          this.note = `Checkpoint of part ${part.part_number + 1} failed (${e.message}); it will be sent on complete`;
          this.emit();
        }
      }
    };
    const workers = [];
    for (let i = 0; i < Math.min(this.concurrency, queue.length); i++) workers.push(worker());
    await Promise.all(workers);
  }

  async sendPart(part, signal) {
    const n = part.part_number;
    const blob = this.file.slice(part.offset, part.offset + part.length);
    if (this.integrity === 'crc32c' && !this.crcs.has(n)) {
      this.crcs.set(n, { crc: await crc32cOfBlob(blob, signal), length: part.length });
    }
    for (let attempt = 0; ; attempt++) {
      const { url } = await this.freshUrl(n, signal);
      this.inflight.set(n, 0);
      try {
        return await putPart(url, blob, signal, (loaded) => {
          this.inflight.set(n, Math.min(loaded, part.length));
          this.emit();
        });
      } catch (e) {
        this.inflight.delete(n);
        if (isAbort(e)) throw e;
        if (e.status === 403) this.urls.get(n).stale = true; // expired or refused: a fresh URL
        if (!e.retryable || attempt + 1 >= this.maxAttempts) {
          throw new UploadError(`part ${n + 1} of ${this.numParts}: ${e.message}`, { status: e.status });
        }
        const wait = backoffMs(attempt);
        this.note = `Part ${n + 1}: ${e.message}; retrying in ${(wait / 1000).toFixed(1)} s`;
        this.emit();
        await sleep(wait, signal);
      }
    }
  }

  /** The part's URL, renewed through parts/urls when stale or close to expiry. */
  async freshUrl(n, signal) {
    const known = this.urls.get(n);
    const deadline = Date.now() + this.expiryMarginMs;
    if (known && !known.stale && known.expiresAt > deadline) return known;
    // Renew the queued parts that are about to expire too, in the same call.
    const numbers = [n];
    for (const p of this.queue ?? []) {
      const u = this.urls.get(p.part_number);
      if (numbers.length < 1000 && (!u || u.expiresAt <= deadline + this.expiryMarginMs)) numbers.push(p.part_number);
    }
    const { parts } = await this.api.partUrls(this.uploadId, numbers, {
      signal,
      onRetry: this.retrying('Fresh part URLs'),
    });
    for (const p of parts) this.remember(p);
    return this.urls.get(n);
  }

  /** On resume, the CRC32C of the parts stored earlier, read from the local file. */
  async checksumStoredParts(remaining, signal) {
    if (!this.partSize) return; // cannot locate the stored parts: complete without a checksum
    const pending = new Set(remaining.map((p) => p.part_number));
    for (let n = 0; n < this.numParts; n++) {
      if (pending.has(n)) continue;
      const offset = n * this.partSize;
      const length = Math.min(this.partSize, this.totalBytes - offset);
      const crc = await crc32cOfBlob(this.file.slice(offset, offset + length), signal);
      this.crcs.set(n, { crc, length });
    }
  }

  /** The whole file's CRC32C in base64, or undefined when some part's CRC is unknown. */
  wholeFileChecksum() {
    if (this.integrity !== 'crc32c') return undefined;
    let crc = 0;
    for (let n = 0; n < this.numParts; n++) {
      const part = this.crcs.get(n);
      if (!part) return undefined;
      crc = n === 0 ? part.crc : crc32cCombine(crc, part.crc, part.length);
    }
    return crc32cBase64(crc);
  }

  /** Completes; parts the store does not hold as checkpointed are sent again (twice at most). */
  async completeWithRepair(signal) {
    for (let round = 0; ; round++) {
      const body = {
        parts: [...this.tokens].map(([part_number, part_token]) => ({ part_number, part_token })),
      };
      const checksum = this.wholeFileChecksum();
      if (checksum) body.integrity_checksum = checksum;
      try {
        return await this.api.complete(this.uploadId, body, {
          signal,
          onRetry: this.retrying('Complete'),
          onAccepted: () => this.setState('completing', 'Assembling… (the store is still joining the parts)'),
        });
      } catch (e) {
        const repairable = e.code === 'invalid_part' || e.code === 'missing_parts';
        if (!repairable || round >= 2 || !e.parts?.length) throw e;
        const { parts } = await this.api.partUrls(this.uploadId, e.parts, { signal });
        for (const p of parts) {
          this.remember(p);
          this.tokens.delete(p.part_number);
          this.partsDone--;
          this.bytesDone -= p.length;
        }
        this.setState('uploading', `Sending ${parts.length} part(s) again: the store did not hold them`);
        await this.sendParts(parts, signal);
        this.setState('completing', 'Completing');
      }
    }
  }

  /**
   * Cancel: stops the PUTs and aborts the upload in the service and the store. Not while
   * completing: the service then finishes the file whatever the page does (abort answers 409).
   */
  async cancel() {
    if (['completing', 'done', 'failed', 'cancelling', 'cancelled'].includes(this.state)) return;
    const wasRunning = this.state !== 'waiting';
    this.setState('cancelling', 'Cancelling');
    this.controller.abort();
    if (!wasRunning) await this.abortRemotely();
  }

  async abortRemotely() {
    this.inflight.clear();
    if (this.uploadId) {
      try {
        await this.api.abort(this.uploadId, { attempts: 4 });
      } catch (e) {
        this.error = e;
        this.setState('failed', `Cancel failed: ${e.message}`);
        return;
      }
    }
    this.setState('cancelled', 'Cancelled: the upload was aborted');
  }
}
