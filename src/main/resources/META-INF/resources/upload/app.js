// The page: settings, file picking, one card per upload. The upload logic is in uploader.js.
import { Api, FileUpload, Limiter } from './uploader.js';

const KEY_STORAGE = 'files-api.key';
const CONCURRENCY_STORAGE = 'files-api.concurrency';
// Downloads up to this size are fetched into a Blob and saved under the file's name; larger
// ones are handed to the browser as the presigned URL itself (its response is an attachment).
const BLOB_DOWNLOAD_LIMIT = 512 * 1024 * 1024;

const $ = (selector, root = document) => root.querySelector(selector);
const keyInput = $('#api-key');
const concurrencyInput = $('#concurrency');
const keyStatus = $('#key-status');
const announcer = $('#announcer');
const uploadsList = $('#uploads');
const template = $('#upload-template');

const limiter = new Limiter(4);
const active = new Map(); // "name|size" -> FileUpload still running

function announce(text) {
  announcer.textContent = '';
  // A fresh text node each time, so screen readers repeat identical messages too.
  requestAnimationFrame(() => (announcer.textContent = text));
}

function api() {
  return new Api(keyInput.value.trim());
}

export function formatBytes(n) {
  if (!Number.isFinite(n) || n < 1024) return `${Math.max(0, Math.round(n || 0))} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = -1;
  do {
    value /= 1024;
    unit++;
  } while (value >= 1024 && unit < units.length - 1);
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

function concurrency() {
  const n = Math.round(Number(concurrencyInput.value));
  return Number.isFinite(n) ? Math.min(16, Math.max(1, n)) : 4;
}

// ---- Settings ----

keyInput.value = sessionStorage.getItem(KEY_STORAGE) ?? '';
concurrencyInput.value = sessionStorage.getItem(CONCURRENCY_STORAGE) ?? '4';
limiter.resize(concurrency());

let keyCheck = 0;
async function checkKey() {
  const key = keyInput.value.trim();
  const mine = ++keyCheck;
  keyStatus.className = 'status';
  if (!key) {
    keyStatus.textContent = 'Enter an API key to upload.';
    $('#unfinished').hidden = true;
    return;
  }
  keyStatus.textContent = 'Checking the key…';
  try {
    const info = await api().info();
    if (mine !== keyCheck) return;
    keyStatus.className = 'status ok';
    keyStatus.textContent = `Key accepted: ${info.num_files} file(s), ${formatBytes(info.num_bytes)} stored.`;
    await showUnfinished();
  } catch (e) {
    if (mine !== keyCheck) return;
    keyStatus.className = 'status bad';
    keyStatus.textContent =
      e.status === 401 ? 'This key is not accepted.' : `The key cannot be checked: ${e.message}`;
  }
}

async function showUnfinished() {
  const box = $('#unfinished');
  const list = $('#unfinished-list');
  try {
    const page = await api().uploadsInProgress();
    const running = new Set([...active.values()].map((u) => u.uploadId));
    const uploads = (page.uploads ?? []).filter((u) => !running.has(u.upload_id));
    list.replaceChildren(
      ...uploads.map((u) => {
        const li = document.createElement('li');
        const done = u.checkpointed_parts?.length ?? 0;
        li.textContent = `${u.file_name} (${formatBytes(u.total_bytes)}): ${done} of ${u.num_parts} parts stored`;
        return li;
      }),
    );
    box.hidden = uploads.length === 0;
  } catch {
    box.hidden = true;
  }
}

let keyTimer;
keyInput.addEventListener('input', () => {
  sessionStorage.setItem(KEY_STORAGE, keyInput.value.trim());
  clearTimeout(keyTimer);
  keyTimer = setTimeout(checkKey, 400);
});

$('#show-key').addEventListener('click', (e) => {
  const show = keyInput.type === 'password';
  keyInput.type = show ? 'text' : 'password';
  e.currentTarget.textContent = show ? 'Hide' : 'Show';
  e.currentTarget.setAttribute('aria-pressed', String(show));
});

$('#forget-key').addEventListener('click', () => {
  sessionStorage.removeItem(KEY_STORAGE);
  keyInput.value = '';
  checkKey();
  keyInput.focus();
});

concurrencyInput.addEventListener('change', () => {
  concurrencyInput.value = String(concurrency());
  sessionStorage.setItem(CONCURRENCY_STORAGE, concurrencyInput.value);
  limiter.resize(concurrency());
});

$('#settings').addEventListener('submit', (e) => e.preventDefault());

// ---- Picking and dropping ----

const fileInput = $('#file-input');
fileInput.addEventListener('change', () => {
  addFiles([...fileInput.files]);
  fileInput.value = ''; // picking the same file again fires change again
});

const dropZone = $('#drop-zone');
for (const type of ['dragenter', 'dragover']) {
  dropZone.addEventListener(type, (e) => {
    e.preventDefault();
    dropZone.classList.add('over');
  });
}
for (const type of ['dragleave', 'drop']) {
  dropZone.addEventListener(type, () => dropZone.classList.remove('over'));
}
dropZone.addEventListener('drop', (e) => {
  e.preventDefault();
  addFiles([...(e.dataTransfer?.files ?? [])]);
});

function addFiles(files) {
  if (files.length === 0) return;
  if (!keyInput.value.trim()) {
    keyStatus.className = 'status bad';
    keyStatus.textContent = 'Enter an API key first.';
    announce('Enter an API key first.');
    keyInput.focus();
    return;
  }
  for (const file of files) {
    const id = `${file.name}|${file.size}`;
    if (active.has(id)) {
      announce(`${file.name} is already uploading.`);
      continue;
    }
    if (file.size === 0) {
      announce(`${file.name} is empty; only files of at least one byte can be uploaded here.`);
      continue;
    }
    start(file, id);
  }
}

// ---- One upload ----

function start(file, id) {
  const upload = new FileUpload(file, { api: api(), limiter, concurrency: concurrency() });
  active.set(id, upload);
  $('#uploads-panel').hidden = false;
  const card = template.content.firstElementChild.cloneNode(true);
  card.dataset.file = file.name;
  $('.name', card).textContent = file.name;
  $('.size', card).textContent = formatBytes(file.size);
  $('.bytes', card).setAttribute('aria-label', `Bytes sent of ${file.name}`);
  $('.parts', card).setAttribute('aria-label', `Parts stored of ${file.name}`);
  uploadsList.prepend(card);

  let frame = 0;
  upload.addEventListener('change', () => {
    if (!frame) frame = requestAnimationFrame(() => ((frame = 0), render(upload, card)));
  });
  upload.addEventListener('state', () => {
    card.dataset.state = upload.state;
    card.className = `upload ${upload.state}`;
    $('.state', card).textContent = upload.message;
    announce(`${file.name}: ${upload.message}`);
    const finished = ['done', 'failed', 'cancelled'].includes(upload.state);
    // Once complete is sent the service finishes the file whatever the page does (an abort then
    // answers 409 upload_completing): no Cancel until the answer (or a repair sends parts again).
    $('.cancel', card).hidden = finished || upload.state === 'completing';
    $('.retry', card).hidden = upload.state !== 'failed';
    $('.download', card).hidden = upload.state !== 'done';
    if (finished) {
      active.delete(id);
      render(upload, card);
      checkKey(); // refreshes the totals and the unfinished uploads
    }
    if (upload.state === 'done') $('.download', card).focus();
  });

  $('.cancel', card).addEventListener('click', () => upload.cancel());
  $('.retry', card).addEventListener('click', () => {
    card.remove();
    start(file, id); // resumes: initiate finds the started upload
  });
  $('.download', card).addEventListener('click', (e) => download(upload, card, e.currentTarget));

  render(upload, card);
  upload.run();
}

function render(upload, card) {
  const total = upload.totalBytes;
  const sent = upload.bytesSent;
  const bytes = $('.bytes', card);
  bytes.max = total;
  bytes.value = sent;
  bytes.setAttribute('aria-valuetext', `${formatBytes(sent)} of ${formatBytes(total)}`);
  const parts = $('.parts', card);
  parts.max = Math.max(1, upload.numParts);
  parts.value = upload.partsDone;
  parts.setAttribute('aria-valuetext', `${upload.partsDone} of ${upload.numParts} parts`);
  $('.bytes-text', card).textContent = `${formatBytes(sent)} of ${formatBytes(total)}`;
  $('.parts-text', card).textContent = upload.numParts
    ? `${upload.partsDone} of ${upload.numParts} parts${upload.resumedParts ? ` (${upload.resumedParts} from before)` : ''}`
    : 'parts: planning';
  const running = upload.state === 'uploading';
  $('.speed-text', card).textContent = running ? `${formatBytes(upload.speed)}/s` : '–';
  $('.note', card).textContent = upload.note;
  card.dataset.partsDone = String(upload.partsDone);
}

async function download(upload, card, button) {
  const fileId = upload.result.file_id ?? upload.result.file_name;
  button.disabled = true;
  $('.note', card).textContent = 'Preparing the download…';
  try {
    const response = await api().download(fileId);
    let href;
    if (upload.totalBytes <= BLOB_DOWNLOAD_LIMIT) {
      href = URL.createObjectURL(await response.blob());
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
    } else {
      href = response.url; // the presigned GET; valid for a few minutes
      response.body?.cancel();
    }
    const link = document.createElement('a');
    link.href = href;
    link.download = fileId;
    link.rel = 'noopener';
    document.body.append(link);
    link.click();
    link.remove();
    $('.note', card).textContent = '';
  } catch (e) {
    $('.note', card).textContent = `Download failed: ${e.message}`;
    announce(`Download of ${fileId} failed`);
  } finally {
    button.disabled = false;
  }
}

checkKey();
