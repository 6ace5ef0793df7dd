-- Why an upload failed (issue 24). A complete may answer 202 and fail afterwards (a CRC32C
-- mismatch, the pre-complete hook's refusal, the store losing the upload): the client's next
-- complete and GET /v1/files/uploads/{id} must still say why, not only that it failed.
alter table upload
  add column failure_code text,
  add column failure_detail text;
