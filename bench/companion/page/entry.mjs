// The benchmark page's script: @uppy/core with @uppy/aws-s3 and the same options for both servers
// (only companionEndpoint differs): shouldUseMultipart: true and the plugin's default part size
// and limits. Bundled by run.mjs with esbuild.
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';

window.startUppy = (companionEndpoint) => {
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(AwsS3, { companionEndpoint, shouldUseMultipart: true });
  const log = { success: {}, error: {}, parts: {} };
  uppy.on('upload-success', (file, response) => {
    log.success[file.name] = { at: performance.now(), location: response.uploadURL, fileName: file.name };
  });
  uppy.on('upload-error', (file, error) => {
    log.error[file.name] = String(error?.message ?? error);
  });
  uppy.on('s3-multipart:part-uploaded', (file) => {
    log.parts[file.name] = (log.parts[file.name] ?? 0) + 1;
  });
  document.getElementById('files').addEventListener('change', (event) => {
    for (const file of event.target.files) {
      uppy.addFile({ name: file.name, type: 'application/octet-stream', data: file });
    }
    event.target.value = '';
  });
  window.uppy = uppy;
  window.uppyLog = log;
  return true;
};
