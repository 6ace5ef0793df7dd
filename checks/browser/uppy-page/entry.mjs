// The test page's script: @uppy/core with @uppy/dashboard inline and @uppy/aws-s3 pointed at this
// service exactly as an application would point it at Companion (bundled by uppy.spec.mjs with
// esbuild, styles included). The options are the README's: companionEndpoint from
// POST /v1/uppy/tokens, and shouldUseMultipart: true. The user adds files, starts, pauses, resumes
// and cancels uploads with the Dashboard's own buttons; the events are logged for the test.
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';
import Dashboard from '@uppy/dashboard';
import '@uppy/core/css/style.min.css';
import '@uppy/dashboard/css/style.min.css';

const MiB = 1024 * 1024;

window.startUppy = (companionEndpoint) => {
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(Dashboard, {
    inline: true,
    target: '#dashboard',
    width: '100%',
    height: 520,
    proudlyDisplayPoweredByUppy: false,
  });
  uppy.use(AwsS3, {
    companionEndpoint,
    shouldUseMultipart: true,
    getChunkSize: () => 5 * MiB,
  });
  const log = { success: {}, error: {}, partsUploaded: {}, progress: {}, cancelled: 0 };
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
  uppy.on('cancel-all', () => {
    log.cancelled++;
  });
  window.uppy = uppy;
  window.uppyLog = log;
  window.fileIdOf = (name) => uppy.getFiles().find((f) => f.name === name)?.id;
  return true;
};
