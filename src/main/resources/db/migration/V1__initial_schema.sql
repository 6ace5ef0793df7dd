-- Files API initial schema: tenancy, uploads with their checkpointed parts, stored files.

create table organization (
    id         text        primary key,
    name       text        not null,
    created_at timestamptz not null
);

-- Only a SHA-256 hash of each key is stored; key_prefix is the key's first characters,
-- kept so operators can recognise a key without holding the secret.
create table api_key (
    id              text        primary key,
    organization_id text        not null references organization (id),
    key_hash        text        not null unique,
    key_prefix      text        not null,
    name            text        not null,
    created_at      timestamptz not null,
    revoked_at      timestamptz
);
create index api_key_organization_idx on api_key (organization_id);

create table upload (
    id                  text        primary key,
    organization_id     text        not null references organization (id),
    file_uid            text        not null unique,
    filename            text        not null,
    file_type           text        not null,
    num_bytes           bigint      not null check (num_bytes > 0),
    part_size           bigint      not null check (part_size > 0),
    num_parts           integer     not null check (num_parts > 0),
    backend             text        not null,
    storage_key         text        not null,
    backend_upload_id   text        not null,
    integrity_algorithm text        not null,
    status              text        not null,
    created_at          timestamptz not null,
    updated_at          timestamptz not null,
    expires_at          timestamptz not null,
    completed_at        timestamptz,
    version             bigint      not null default 0
);
-- resume_if_started looks up the newest in-progress upload of a filename.
create index upload_resume_idx on upload (organization_id, filename, created_at desc)
    where status = 'in_progress';
-- Listing uploads newest first, cursor paged.
create index upload_listing_idx on upload (organization_id, created_at desc, id desc);
-- The janitor scans unfinished uploads by expiry.
create index upload_expiry_idx on upload (expires_at) where status in ('in_progress', 'completing');

create table upload_part (
    upload_id       text        not null references upload (id) on delete cascade,
    part_number     integer     not null check (part_number >= 0),
    part_token      text        not null,
    checkpointed_at timestamptz not null,
    primary key (upload_id, part_number)
);

-- One current file per organization and name (file_id); a newer upload of the same name
-- replaces the row.
create table stored_file (
    file_uid           text        primary key,
    organization_id    text        not null references organization (id),
    file_id            text        not null,
    upload_id          text        references upload (id) on delete set null,
    file_type          text        not null,
    num_bytes          bigint      not null,
    status             text        not null,
    checksum_algorithm text,
    checksum_value     text,
    storage_key        text        not null,
    backend            text        not null,
    created_at         timestamptz not null,
    unique (organization_id, file_id)
);
create index stored_file_listing_idx on stored_file (organization_id, created_at, file_uid);
