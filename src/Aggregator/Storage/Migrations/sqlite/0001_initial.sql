-- Where items come from: one row per document file or feed.
CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,              -- 'document' | 'feed'
    locator       TEXT NOT NULL,              -- document path (as configured) or feed URL
    title         TEXT,
    created_at    TEXT NOT NULL,
    last_error    TEXT,                       -- why the last read failed, for users to see
    last_error_at TEXT,
    UNIQUE (kind, locator)
);

-- One row per distinct content: the database, not the code, keeps copies out.
CREATE TABLE items (
    id            INTEGER PRIMARY KEY,
    content_hash  TEXT NOT NULL UNIQUE,       -- SHA-256 of normalized title + body
    entry_id      TEXT NOT NULL UNIQUE,       -- RFC 4151 tag URI, kept when the item is edited
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    url           TEXT,
    language      TEXT NOT NULL,
    outlet        TEXT,
    author        TEXT,
    published_at  TEXT,                       -- as the source states it; NULL when it does not
    first_seen_at TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX items_newest ON items (coalesce(published_at, first_seen_at) DESC, id DESC);

-- Each time a source carries an item. The source's own identity of the entry decides updates.
CREATE TABLE sightings (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES sources (id),
    entry_key       TEXT NOT NULL,            -- '' for a document; GUID or link for a feed entry
    item_id         INTEGER NOT NULL REFERENCES items (id),
    content_hash    TEXT NOT NULL,            -- what this source carried last: unchanged input writes nothing
    url             TEXT,
    first_seen_at   TEXT NOT NULL,
    last_changed_at TEXT NOT NULL,
    UNIQUE (source_id, entry_key)
);
CREATE INDEX sightings_item ON sightings (item_id);

CREATE TABLE item_tags (
    item_id       INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    tag           TEXT NOT NULL,
    score         REAL NOT NULL,
    reason        TEXT NOT NULL,
    evidence      TEXT NOT NULL,              -- JSON: matched terms with field and offset
    rules_version TEXT NOT NULL,
    PRIMARY KEY (item_id, tag)
);
CREATE INDEX item_tags_tag ON item_tags (tag, item_id);
