-- durable schema, version 5: indexes for the management API (Durable.listWorkflows, countWorkflows).
--
-- Every listing is ordered newest first, ORDER BY created_at DESC, id DESC, and pages with the keyset
-- condition (created_at, id) < (cursor). Each index below ends in (created_at DESC, id DESC): a scan
-- of it returns the rows in listing order, takes the cursor as an index condition and stops after one
-- page, however large the table. Every index on workflows costs each workflow start and completion,
-- so there are three new ones plus one replaced; which query each serves:
--
--   no filter, executor only, time range only        workflows_created_at_id (executor: a filter; see below)
--   status(es), with or without time range / name    workflows_by_status, workflows_by_name_status
--   name, with or without status(es) / time range    workflows_by_name_status
--   parent                                           workflows_by_parent
--   ID prefix                                        workflows_pkey (range id >= prefix AND id < next prefix,
--                                                    possible because id has the "C" collation since V3)
--
-- Several statuses, and a name without status, are queried as one branch per status combined with
-- UNION ALL: each branch is an ordered index scan and PostgreSQL merges them (Merge Append), so no
-- branch reads more than one page.
--
-- No index serves the executor filter alone: executors are few, so walking workflows_created_at_id
-- newest first and skipping other executors' rows finds a page after about (page size x number of
-- executors) rows. workflows_unfinished_by_owner (owner, name) WHERE completed_at IS NULL stays what it
-- is for: recovery.

-- Replaces workflows_created_at (created_at): with id as tie-breaker the index delivers the full
-- listing order and the cursor becomes an index condition. Cleanup by age uses it as before.
DROP INDEX ${schema}.workflows_created_at;
CREATE INDEX workflows_created_at_id ON ${schema}.workflows (created_at DESC, id DESC);

-- The status column of the two indexes below has the "C" collation, unlike the table's column, and the
-- listing asks for status COLLATE "C" = ?. PostgreSQL uses an index column for a condition only when
-- their collations agree, so the fenced checkpoint writes (id = ? AND ... AND status = 'PENDING', in the
-- default collation) can never be planned on these indexes. Without it, on a table without statistics
-- yet, PostgreSQL picks workflows_by_status for them and scans every pending workflow per write (the
-- trap V1's workflows_unfinished_by_owner avoids with its predicate).

-- Listing by status (one or several), optionally with a time range and other filters.
CREATE INDEX workflows_by_status ON ${schema}.workflows (status COLLATE "C", created_at DESC, id DESC);

-- Listing by name, alone (one branch per status) or with statuses; dashboards' "failed checkouts".
CREATE INDEX workflows_by_name_status ON ${schema}.workflows (name, status COLLATE "C", created_at DESC, id DESC);

-- Listing the children of a workflow. Partial: top-level workflows, the majority, are not in it and
-- do not pay for it when they start and complete.
CREATE INDEX workflows_by_parent ON ${schema}.workflows (parent_id, created_at DESC, id DESC)
    WHERE parent_id IS NOT NULL;
