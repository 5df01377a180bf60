-- durable schema, version 3: identifiers compare byte by byte.
--
-- Workflow IDs, owners, topics and keys are identifiers, not prose: the database's linguistic
-- collation (strcoll) gives them no useful order and costs a locale-aware comparison in every index
-- probe on the write path. COLLATE "C" compares bytes, and lets a plain btree serve ID-prefix
-- searches (id LIKE 'order-%'). Only indexes are rebuilt; the rows are not rewritten.
ALTER TABLE ${schema}.workflows
    ALTER COLUMN id    TYPE text COLLATE "C",
    ALTER COLUMN name  TYPE text COLLATE "C",
    ALTER COLUMN owner TYPE text COLLATE "C";
ALTER TABLE ${schema}.steps
    ALTER COLUMN workflow_id TYPE text COLLATE "C";
ALTER TABLE ${schema}.messages
    ALTER COLUMN destination     TYPE text COLLATE "C",
    ALTER COLUMN topic           TYPE text COLLATE "C",
    ALTER COLUMN idempotency_key TYPE text COLLATE "C";
ALTER TABLE ${schema}.events
    ALTER COLUMN workflow_id TYPE text COLLATE "C",
    ALTER COLUMN key         TYPE text COLLATE "C";
