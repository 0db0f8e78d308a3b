-- Persons, their door cards and their biometric data (face templates and photos).
-- Times are Unix milliseconds (UTC). Template and photo contents are AES-GCM ciphertext.

CREATE TABLE persons (
    id              TEXT    NOT NULL PRIMARY KEY,
    display_name    TEXT    NOT NULL,
    unit            TEXT,
    category        TEXT    NOT NULL CHECK (category IN ('resident', 'staff', 'visitor')),
    valid_from      INTEGER,
    valid_until     INTEGER,
    status          TEXT    NOT NULL CHECK (status IN ('active', 'suspended', 'deregistered')),
    watch_listed    INTEGER NOT NULL DEFAULT 0 CHECK (watch_listed IN (0, 1)),
    watch_list_note TEXT,
    consent_at      INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    -- gateway-wide change number: strictly increasing per change, the gallery sync cursor
    version         INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX persons_by_version ON persons (version);
CREATE INDEX persons_by_status ON persons (status);

CREATE TABLE face_templates (
    id                   INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    person_id            TEXT    NOT NULL REFERENCES persons (id),
    model_id             TEXT    NOT NULL,
    dimensions           INTEGER NOT NULL,
    embedding_ciphertext BLOB    NOT NULL,
    quality              REAL    NOT NULL,
    source_photo_sha256  TEXT,
    enrolled_at          INTEGER NOT NULL
) STRICT;

CREATE INDEX face_templates_by_person ON face_templates (person_id);
CREATE INDEX face_templates_by_model ON face_templates (model_id);
CREATE UNIQUE INDEX face_templates_one_per_photo
    ON face_templates (person_id, model_id, source_photo_sha256)
    WHERE source_photo_sha256 IS NOT NULL;

CREATE TABLE face_photos (
    id                INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    person_id         TEXT    NOT NULL REFERENCES persons (id),
    sha256            TEXT    NOT NULL,
    content_type      TEXT    NOT NULL,
    content_ciphertext BLOB   NOT NULL,
    stored_at         INTEGER NOT NULL
) STRICT;

CREATE INDEX face_photos_by_person ON face_photos (person_id);

CREATE TABLE cards (
    uid         TEXT    NOT NULL PRIMARY KEY,
    person_id   TEXT    NOT NULL REFERENCES persons (id),
    issued_at   INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('active', 'revoked')),
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX cards_by_person ON cards (person_id);

CREATE TABLE counters (
    name  TEXT    NOT NULL PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;

INSERT INTO counters (name, value) VALUES ('person_version', 0);
