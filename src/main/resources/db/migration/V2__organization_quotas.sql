-- Per-organization quotas set by operators; null means the deployment's default
-- (files.quota.*).
alter table organization
    add column max_in_progress_uploads integer check (max_in_progress_uploads > 0),
    add column max_file_bytes          bigint  check (max_file_bytes > 0);

create index api_key_listing_idx on api_key (organization_id, created_at);
create index organization_listing_idx on organization (created_at, id);
