-- The last granted passage of each person in each anti-passback group (area), written in the same
-- transaction as the decision's journal row, so anti-passback survives a restart. Deleted with the
-- person's other data on deregistration.

CREATE TABLE passages (
    person_id  TEXT    NOT NULL,
    area       TEXT    NOT NULL,
    direction  TEXT    NOT NULL CHECK (direction IN ('entry', 'exit')),
    door_id    TEXT    NOT NULL,
    passed_at  INTEGER NOT NULL,
    PRIMARY KEY (person_id, area)
) STRICT;
