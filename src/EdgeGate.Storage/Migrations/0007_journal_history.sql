-- The journal is also the local access history: acknowledged rows (seq <= journal_ack.acked_seq) stay
-- until the history retention or row cap prunes them. Indexes for history queries, newest first, by
-- time, person, door and reason code. The expressions must match the ones in JournalHistory.cs
-- exactly, or SQLite does not use these indexes.

CREATE INDEX journal_by_time ON journal (occurred_at);

CREATE INDEX journal_by_person ON journal (json_extract(payload, '$.personId'))
    WHERE json_extract(payload, '$.personId') IS NOT NULL;

CREATE INDEX journal_by_door ON journal (json_extract(payload, '$.door'))
    WHERE json_extract(payload, '$.door') IS NOT NULL;

CREATE INDEX journal_by_reason ON journal (json_extract(payload, '$.reason'))
    WHERE json_extract(payload, '$.reason') IS NOT NULL;
