// The test page's script: @uppy/core with @uppy/aws-s3 pointed at this service exactly as an
// application would point it at Companion (bundled by uppy.spec.mjs with esbuild). The options
// are the README's: companionEndpoint from POST /v1/uppy/tokens, and shouldUseMultipart: true.
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';

const MiB = 1024 * 1024;

window.startUppy = (companionEndpoint) => {
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(AwsS3, {
    companionEndpoint,
    shouldUseMultipart: true,
    getChunkSize: () => 5 * MiB,
  });
  const log = { success: {}, error: {}, partsUploaded: {}, progress: {} };
  uppy.on('upload-success', (file, response) => {
    log.success[file.name] = { location: response.uploadURL, key: response.body.key };
  });
  uppy.on('upload-error', (file, error) => {
    log.error[file.name] = String(error?.message ?? error);
  });
  uppy.on('s3-multipart:part-uploaded', (file, part) => {
    (log.partsUploaded[file.name] ??= []).push(part.PartNumber);
  });
  uppy.on('upload-progress', (file, progress) => {
    log.progress[file.name] = progress.bytesUploaded;
  });
  document.getElementById('files').addEventListener('change', (event) => {
    for (const file of event.target.files) {
      uppy.addFile({ name: file.name, type: file.type || 'application/octet-stream', data: file });
    }
    event.target.value = '';
  });
  window.uppy = uppy;
  window.uppyLog = log;
  window.fileIdOf = (name) => uppy.getFiles().find((f) => f.name === name)?.id;
  return true;
};
