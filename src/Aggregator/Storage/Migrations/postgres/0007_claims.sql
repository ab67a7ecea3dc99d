-- The PostgreSQL form of sqlite/0007_claims.sql.
ALTER TABLE feeds ADD COLUMN claimed_by text;
ALTER TABLE feeds ADD COLUMN claimed_until text;
ALTER TABLE mail_outbox ADD COLUMN claimed_by text;

-- What PRAGMA data_version is to SQLite: a number that changes when stored items change, so the
-- web tier of every instance knows when its rendered feeds are stale. Every serialized write
-- transaction (Database.BeginWriteAsync) adds one before it commits.
CREATE TABLE data_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);
