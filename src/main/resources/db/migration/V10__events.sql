-- Events (issue 19): a transactional outbox and the webhook endpoints it is delivered to.

-- An organization's webhook endpoints. The secret (whsec_…) signs every delivery, so it is kept
-- as it is (encrypting it at rest is not done yet). event_types null: every event type.
create table webhook_endpoint (
    id                   text        primary key,
    organization_id      text        not null references organization (id),
    url                  text        not null,
    description          text,
    event_types          text[],
    secret               text        not null,
    enabled              boolean     not null,
    disabled_reason      text,
    consecutive_failures integer     not null default 0,
    failing_since        timestamptz,
    created_at           timestamptz not null,
    updated_at           timestamptz not null
);
create index webhook_endpoint_organization_idx on webhook_endpoint (organization_id, created_at, id);

-- The outbox: one row per state change, written in the transaction of the change. body is the
-- exact JSON every endpoint receives (and its signature covers).
create table outbox_event (
    id              text        primary key,
    organization_id text        not null references organization (id),
    type            text        not null,
    body            text        not null,
    created_at      timestamptz not null
);
create index outbox_event_created_idx on outbox_event (created_at);

-- One event to one endpoint, fanned out in the event's transaction. Dispatchers claim due rows
-- (status pending, next_attempt_at passed) with FOR UPDATE SKIP LOCKED and lease them by moving
-- next_attempt_at past the request's timeout.
create table webhook_delivery (
    endpoint_id     text        not null references webhook_endpoint (id) on delete cascade,
    event_id        text        not null references outbox_event (id) on delete cascade,
    status          text        not null,
    attempts        integer     not null default 0,
    next_attempt_at timestamptz,
    retry_from      timestamptz not null,
    last_attempt_at timestamptz,
    delivered_at    timestamptz,
    created_at      timestamptz not null,
    primary key (endpoint_id, event_id)
);
create index webhook_delivery_due_idx on webhook_delivery (next_attempt_at) where status = 'pending';
create index webhook_delivery_pending_age_idx on webhook_delivery (created_at) where status = 'pending';
create index webhook_delivery_listing_idx on webhook_delivery (endpoint_id, created_at desc, event_id desc);
create index webhook_delivery_event_idx on webhook_delivery (event_id);

-- Every POST of a delivery: when, how long, and the answer's status or the error.
create table webhook_attempt (
    endpoint_id     text        not null,
    event_id        text        not null,
    number          integer     not null,
    attempted_at    timestamptz not null,
    duration_ms     integer     not null,
    response_status integer,
    error           text,
    primary key (endpoint_id, event_id, number),
    foreign key (endpoint_id, event_id)
        references webhook_delivery (endpoint_id, event_id) on delete cascade
);
