-- Reads that do not grow with the organization (issue 18): a file_index stored with each file,
-- listing indexes that pages and shards walk as ranges, per-organization totals kept by the
-- database in the transaction that changes stored_file, and an index for uploads by status.

-- file_index: an ordinal drawn from one sequence when a file is registered. Every instance
-- gets a new one (a replacement goes to the end of the list), and the listing is in its order.
-- A sequence takes no row lock that lasts until commit, so registrations never wait on each
-- other for it; the price is that the numbers of one organization have gaps. CACHE 1 (the
-- default) hands them out in the order they are asked for, on every connection.
-- The existing files keep their listing order (created_at, then file_uid), numbered from 0.
alter table stored_file add column file_index bigint;
update stored_file f
   set file_index = o.n
  from (select file_uid, row_number() over (order by created_at, file_uid) - 1 as n
          from stored_file) o
 where o.file_uid = f.file_uid;
create sequence stored_file_file_index_seq as bigint minvalue 0 start 0 owned by stored_file.file_index;
select setval('stored_file_file_index_seq',
              (select coalesce(max(file_index) + 1, 0) from stored_file), false);
alter table stored_file
    alter column file_index set default nextval('stored_file_file_index_seq'),
    alter column file_index set not null;

-- The listing (with the keyset cursor: file_index > ?) and its offset shards, which skip
-- through the index alone before reading only the rows of the shard; the same with the
-- file_type filter. They replace the listing index on created_at.
create unique index stored_file_index_idx on stored_file (organization_id, file_index);
create index stored_file_type_index_idx on stored_file (organization_id, file_type, file_index);
drop index stored_file_listing_idx;

-- Totals of each organization's files, for GET /files/info. An organization has up to 16 slot
-- rows; a transaction adds its changes to the slot of its database connection (backend pid
-- modulo 16), so concurrent registrations in one organization rarely wait on one another's
-- row lock, and one transaction only ever locks one slot per organization (no deadlocks).
-- Reading sums the slots. last_updated is the newest registration, replacement or deletion.
create table file_totals (
    organization_id text        not null references organization (id),
    slot            smallint    not null check (slot between 0 and 15),
    num_files       bigint      not null,
    num_bytes       bigint      not null,
    last_updated    timestamptz,
    primary key (organization_id, slot)
);

-- Statement triggers with transition tables: one upsert per organization and statement,
-- whether the statement changes one file or a million. Kept by the database, so no code path
-- (the service's, an operator's SQL, an older replica during a rolling deploy) can miss them.
create function file_totals_add() returns trigger language plpgsql as $$
begin
    insert into file_totals as t (organization_id, slot, num_files, num_bytes, last_updated)
    select organization_id, pg_backend_pid() % 16, count(*), sum(num_bytes), max(created_at)
      from added
     group by organization_id
     order by organization_id
    on conflict (organization_id, slot) do update
       set num_files = t.num_files + excluded.num_files,
           num_bytes = t.num_bytes + excluded.num_bytes,
           last_updated = greatest(t.last_updated, excluded.last_updated);
    return null;
end $$;

create function file_totals_remove() returns trigger language plpgsql as $$
begin
    insert into file_totals as t (organization_id, slot, num_files, num_bytes, last_updated)
    select organization_id, pg_backend_pid() % 16, -count(*), -sum(num_bytes), now()
      from removed
     group by organization_id
     order by organization_id
    on conflict (organization_id, slot) do update
       set num_files = t.num_files + excluded.num_files,
           num_bytes = t.num_bytes + excluded.num_bytes,
           last_updated = greatest(t.last_updated, excluded.last_updated);
    return null;
end $$;

create function file_totals_change() returns trigger language plpgsql as $$
begin
    insert into file_totals as t (organization_id, slot, num_files, num_bytes, last_updated)
    select organization_id, pg_backend_pid() % 16, sum(files), sum(bytes), now()
      from (select organization_id, 1 as files, num_bytes as bytes from added
            union all
            select organization_id, -1, -num_bytes from removed) d
     group by organization_id
     order by organization_id
    on conflict (organization_id, slot) do update
       set num_files = t.num_files + excluded.num_files,
           num_bytes = t.num_bytes + excluded.num_bytes,
           last_updated = greatest(t.last_updated, excluded.last_updated);
    return null;
end $$;

create trigger stored_file_totals_insert after insert on stored_file
    referencing new table as added
    for each statement execute function file_totals_add();
create trigger stored_file_totals_delete after delete on stored_file
    referencing old table as removed
    for each statement execute function file_totals_remove();
create trigger stored_file_totals_update after update on stored_file
    referencing old table as removed new table as added
    for each statement execute function file_totals_change();

-- Backfill. The alter table above holds stored_file's exclusive lock until this migration
-- commits, so no file is registered or deleted between the count and the triggers.
insert into file_totals (organization_id, slot, num_files, num_bytes, last_updated)
select organization_id, 0, count(*), sum(num_bytes), max(created_at)
  from stored_file
 group by organization_id;

-- GET /files/uploads?status=…, newest first, cursor paged, and the quota's count of uploads in
-- progress: an index range of that status, whatever the organization's other uploads.
create index upload_status_listing_idx on upload (organization_id, status, created_at desc, id desc);
