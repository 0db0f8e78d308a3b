-- The event journal (outbox). seq is gateway-wide and never reused, even after compaction
-- (AUTOINCREMENT keeps the high-water mark in sqlite_sequence).

CREATE TABLE journal (
    seq         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    lane        TEXT    NOT NULL CHECK (lane IN ('alert', 'event')),
    type        TEXT    NOT NULL,
    occurred_at INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    payload     TEXT    NOT NULL CHECK (json_valid(payload))
) STRICT;

CREATE INDEX journal_by_lane ON journal (lane, seq);

-- Highest seq the platform acknowledged end to end (cumulative).
CREATE TABLE journal_ack (
    id        INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    acked_seq INTEGER NOT NULL,
    acked_at  INTEGER
) STRICT;

INSERT INTO journal_ack (id, acked_seq, acked_at) VALUES (1, 0, NULL);
