-- Which replica drives a complete, by lease (issue 24): the replica running an upload's complete
-- renews completing_until while it works; a complete repeated on another replica waits for it while
-- the lease holds, and drives the complete itself only once it has lapsed (the replica died), so two
-- replicas do not ask the store to assemble the same object at once.
alter table upload add column completing_until timestamptz;
