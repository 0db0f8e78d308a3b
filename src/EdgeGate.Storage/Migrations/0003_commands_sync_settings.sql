-- Idempotency of platform commands, sync cursors and small settings.

CREATE TABLE command_log (
    command_id   TEXT    NOT NULL PRIMARY KEY,
    kind         TEXT    NOT NULL,
    received_at  INTEGER NOT NULL,
    completed_at INTEGER,
    result       TEXT CHECK (result IS NULL OR json_valid(result))
) STRICT;

CREATE INDEX command_log_by_received ON command_log (received_at);

CREATE TABLE sync_cursors (
    name       TEXT    NOT NULL PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE settings (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
