/**
 * Cypher of the Neo4j GraphStore adapter. Every value is a parameter; nothing is interpolated.
 * Integers used by LIMIT / slicing are sent as neo4j Integers (JS numbers travel as floats).
 *
 * Model (architecture doc, section 6):
 *   (:User {id, demographics: JSON text, preferences: [string]})
 *   (:Item {id, title, categories: [string], brand, price, available, createdAt, terms: [string]})
 *   (:Query {text, terms}) -[:HAS_TERM]-> (:Term {text}) <-[:HAS_TERM]- (:Item)
 *   (:Item) -[:IN_CATEGORY]-> (:Category {id, name}) -[:PARENT]-> (:Category)   (hierarchy: ./categories.ts)
 *   (:User) -[:INTERACTED {type, ts, value, dwellMs, session, referrer, eventId}]-> (:Item)
 *   (:User) -[:SEARCHED {ts, eventId, itemId}]-> (:Query) -[:LED_TO {count}]-> (:Item)
 *   (:Event {id, ts, type, userId, itemId})   idempotency ledger, one node per stored event
 *
 * Idempotency: every stored event has an `Event` node with a uniqueness constraint on `id`
 * (works on Neo4j 5 Community, any minor version; a relationship uniqueness constraint would
 * need 5.7+ and would not cover searches, which create no INTERACTED edge). An ingest batch MERGEs
 * the Event nodes first; a node created by this MERGE has no `ts` yet, which is how the statement
 * tells new events from re-sends. The constraint's lock makes concurrent re-sends safe: the second
 * transaction waits and then finds the node. The Event nodes also give the newest event ts
 * (range index on Event.ts, index-backed ORDER BY ... LIMIT 1) without a hot :Meta node.
 *
 * Interactions are INTERACTED edges for every type but `search`; `impression` edges count in item
 * totals but not in history, degrees, the neighbourhood walk or trending (same as the embedded
 * adapter). REFERRED_BY is not modelled as an edge: the referrer is a property of INTERACTED.
 * Decayed statistics are computed at read time relative to the newest Event ts.
 */

/** Constraints and indexes; each runs in its own auto-commit transaction. */
export const MIGRATIONS: readonly string[] = [
  'CREATE CONSTRAINT user_id IF NOT EXISTS FOR (n:User) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT item_id IF NOT EXISTS FOR (n:Item) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT query_text IF NOT EXISTS FOR (n:Query) REQUIRE n.text IS UNIQUE',
  'CREATE CONSTRAINT category_id IF NOT EXISTS FOR (n:Category) REQUIRE n.id IS UNIQUE',
  'CREATE CONSTRAINT term_text IF NOT EXISTS FOR (n:Term) REQUIRE n.text IS UNIQUE',
  'CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE',
  'CREATE INDEX event_ts IF NOT EXISTS FOR (n:Event) ON (n.ts)',
  'CREATE INDEX item_created_at IF NOT EXISTS FOR (n:Item) ON (n.createdAt)',
  'CREATE INDEX interacted_ts IF NOT EXISTS FOR ()-[r:INTERACTED]-() ON (r.ts)',
  'CREATE INDEX interacted_event_id IF NOT EXISTS FOR ()-[r:INTERACTED]-() ON (r.eventId)',
];

export const AWAIT_INDEXES = 'CALL db.awaitIndexes(300)';

// ---- writes ----

export const UPSERT_USERS = `
UNWIND $rows AS row
MERGE (u:User {id: row.id})
SET u.demographics = row.demographics, u.preferences = row.preferences`;

export const UPSERT_ITEMS = `
UNWIND $rows AS row
MERGE (i:Item {id: row.id})
SET i.title = row.title, i.categories = row.categories, i.brand = row.brand, i.price = row.price,
    i.available = row.available, i.createdAt = row.createdAt, i.terms = row.terms, i.sellingPoints = row.sellingPoints`;

export const DELETE_ITEM_LINKS = `
UNWIND $ids AS id
MATCH (i:Item {id: id})-[old:IN_CATEGORY|HAS_TERM]->()
DELETE old`;

export const LINK_ITEMS = `
UNWIND $rows AS row
MATCH (i:Item {id: row.id})
FOREACH (c IN row.categories | MERGE (cat:Category {id: c}) MERGE (i)-[:IN_CATEGORY]->(cat))
FOREACH (t IN row.terms | MERGE (term:Term {text: t}) MERGE (i)-[:HAS_TERM]->(term))`;

export const UPSERT_QUERIES = `
UNWIND $rows AS row
MERGE (q:Query {text: row.text})
SET q.terms = row.terms`;

export const DELETE_QUERY_TERMS = `
UNWIND $texts AS text
MATCH (:Query {text: text})-[old:HAS_TERM]->()
DELETE old`;

export const LINK_QUERY_TERMS = `
UNWIND $rows AS row
MATCH (q:Query {text: row.text})
FOREACH (t IN row.terms | MERGE (term:Term {text: t}) MERGE (q)-[:HAS_TERM]->(term))`;

/** Claims the event ids; returns the ids this transaction created (the others are re-sends). */
export const CLAIM_EVENTS = `
UNWIND $events AS ev
MERGE (e:Event {id: ev.eventId})
WITH e, ev, e.ts IS NULL AS created
WHERE created
SET e.ts = ev.ts, e.type = ev.type, e.userId = ev.userId, e.itemId = ev.itemId
RETURN ev.eventId AS id`;

export const BARE_USERS = `
UNWIND $ids AS id
MERGE (u:User {id: id})
ON CREATE SET u.demographics = '{}', u.preferences = []`;

export const BARE_ITEMS = `
UNWIND $rows AS row
MERGE (i:Item {id: row.id})
ON CREATE SET i.title = '', i.categories = [], i.terms = [], i.available = true, i.createdAt = row.createdAt`;

export const CREATE_INTERACTIONS = `
UNWIND $events AS ev
MATCH (u:User {id: ev.userId})
MATCH (i:Item {id: ev.itemId})
CREATE (u)-[:INTERACTED {type: ev.type, ts: ev.ts, value: ev.value, dwellMs: ev.dwellMs,
  session: ev.session, referrer: ev.referrer, eventId: ev.eventId, query: ev.query, keyword: ev.keyword}]->(i)`;

/** Queries named by search events; terms are linked only when the query node is new. */
export const BARE_QUERIES = `
UNWIND $rows AS row
MERGE (q:Query {text: row.text})
WITH q, row, q.terms IS NULL AS created
WHERE created
SET q.terms = row.terms
WITH q, row
UNWIND row.terms AS t
MERGE (term:Term {text: t})
MERGE (q)-[:HAS_TERM]->(term)`;

export const CREATE_SEARCHES = `
UNWIND $events AS ev
MATCH (u:User {id: ev.userId})
MATCH (q:Query {text: ev.query})
CREATE (u)-[:SEARCHED {ts: ev.ts, eventId: ev.eventId, itemId: ev.itemId}]->(q)`;

export const ADD_LED_TO = `
UNWIND $rows AS row
MATCH (q:Query {text: row.query})
MATCH (i:Item {id: row.itemId})
MERGE (q)-[l:LED_TO]->(i)
ON CREATE SET l.count = 0
SET l.count = l.count + row.count`;

// ---- reads ----

export const GET_USERS = `
UNWIND $ids AS id
MATCH (u:User {id: id})
RETURN u.id AS id, u.demographics AS demographics, u.preferences AS preferences`;

export const GET_ITEMS = `
UNWIND $ids AS id
MATCH (i:Item {id: id})
RETURN i.id AS id, i.title AS title, i.categories AS categories, i.brand AS brand, i.price AS price,
       i.available AS available, i.createdAt AS createdAt, i.sellingPoints AS sellingPoints`;

export const GET_QUERIES = `
UNWIND $texts AS text
MATCH (q:Query {text: text})
RETURN q.text AS text, q.terms AS terms`;

export const USER_HISTORY = `
MATCH (:User {id: $id})-[r:INTERACTED]->(i:Item)
WHERE r.type <> 'impression'
RETURN i.id AS itemId, r.type AS type, r.ts AS ts, r.value AS value
ORDER BY r.ts DESC
LIMIT $limit`;

/** One page of every interaction, keyset-paginated on the event id (scanInteractions). */
export const SCAN_INTERACTIONS = `
MATCH (u:User)-[r:INTERACTED]->(i:Item)
WHERE r.type <> 'impression' AND r.eventId > $after
RETURN r.eventId AS eventId, u.id AS userId, i.id AS itemId, r.type AS type, r.ts AS ts, r.value AS value
ORDER BY r.eventId
LIMIT $limit`;

/**
 * One page of every search with query text, keyset-paginated on the event id (scanSearches).
 * SEARCHED.itemId is the item the search led to (absent on searches stored before it was kept).
 */
export const SCAN_SEARCHES = `
MATCH (u:User)-[s:SEARCHED]->(q:Query)
WHERE s.eventId > $after
RETURN s.eventId AS eventId, u.id AS userId, q.text AS query, s.ts AS ts, s.itemId AS itemId
ORDER BY s.eventId
LIMIT $limit`;

/** One page of every ad_click / selling_point_click, keyset-paginated on the event id (scanAdEvents). */
export const SCAN_AD_EVENTS = `
MATCH (u:User)-[r:INTERACTED]->(i:Item)
WHERE r.type IN ['ad_click', 'selling_point_click'] AND r.eventId > $after
RETURN r.eventId AS eventId, u.id AS userId, i.id AS itemId, r.type AS type, r.ts AS ts, r.query AS query, r.keyword AS keyword
ORDER BY r.eventId
LIMIT $limit`;

export const USER_PURCHASED = `
MATCH (:User {id: $id})-[r:INTERACTED]->(i:Item)
WHERE r.type = 'purchase'
RETURN DISTINCT i.id AS itemId`;

/**
 * Per seed k: its most recent distinct users (by their newest interaction with the seed), then
 * each user's most recent distinct items; one row per (neighbour, seed) with the distinct-user
 * co-count. Seeds are filtered out here; the top-`limit` cut is made by the caller. collect()
 * keeps the order of its input rows within each group, so ORDER BY + collect()[0..n] takes the
 * n most recent. (No CALL subquery: the importing-WITH form is deprecated in late 5.x and the
 * variable-scope form needs 5.23+.)
 */
export const NEIGHBOURHOOD = `
UNWIND range(0, size($seeds) - 1) AS k
WITH k, $seeds[k] AS seedId
MATCH (:Item {id: seedId})<-[r:INTERACTED]-(u:User)
WHERE r.type <> 'impression'
WITH k, u, max(r.ts) AS last
ORDER BY last DESC
WITH k, collect(u)[0..$usersPerItem] AS users
UNWIND users AS u
MATCH (u)-[r2:INTERACTED]->(c:Item)
WHERE r2.type <> 'impression'
WITH k, u, c, max(r2.ts) AS lastC
ORDER BY lastC DESC
WITH k, u, collect(c.id)[0..$itemsPerUser] AS items
UNWIND items AS cid
WITH k, cid
WHERE NOT cid IN $seeds
RETURN cid AS id, k, count(*) AS co`;

export const DEGREES = `
UNWIND $ids AS id
OPTIONAL MATCH (:Item {id: id})<-[r:INTERACTED]-(u:User)
WHERE r.type <> 'impression'
RETURN id, count(DISTINCT u) AS degree`;

/** Per (item, type): count, decayed count, revenue and decayed revenue as of $now. */
export const ITEM_TYPE_STATS = `
UNWIND $ids AS id
MATCH (i:Item {id: id})
OPTIONAL MATCH (i)<-[r:INTERACTED]-()
WITH i, r, exp(-$k * ($now - r.ts)) AS w
RETURN i.id AS id, r.type AS type, count(r) AS n, sum(w) AS decayed,
       sum(CASE WHEN r.type = 'purchase' THEN r.value ELSE 0.0 END) AS revenue,
       sum(CASE WHEN r.type = 'purchase' THEN r.value * w ELSE 0.0 END) AS decayedRevenue`;

export const ITEM_USER_STATS = `
UNWIND $ids AS id
MATCH (i:Item {id: id})
OPTIONAL MATCH (i)<-[r:INTERACTED]-(u:User)
WHERE r.type <> 'impression'
RETURN i.id AS id, count(DISTINCT u) AS users, max(r.ts) AS lastTs`;

/** Interactions older than $since weigh less than 2^-30 and are skipped (index on r.ts). */
export const TRENDING = `
MATCH ()-[r:INTERACTED]->(i:Item)
WHERE r.ts >= $since AND r.type <> 'impression' AND i.available = true
WITH i.id AS id, sum(exp(-$k * ($now - r.ts))) AS score
RETURN id, score
ORDER BY score DESC, id ASC
LIMIT $limit`;

export const FRESH = `
MATCH (i:Item)
WHERE i.available = true
WITH i.id AS id, i.createdAt AS createdAt
ORDER BY createdAt DESC, id ASC
LIMIT $limit
RETURN id`;

export const LATEST_EVENT_TS = `
MATCH (e:Event)
WHERE e.ts IS NOT NULL
RETURN e.ts AS ts
ORDER BY e.ts DESC
LIMIT 1`;

/** One row; OPTIONAL MATCH keeps it when a label has no nodes. */
export const COUNTS = `
OPTIONAL MATCH (n:User) WITH count(n) AS users
OPTIONAL MATCH (n:Item) WITH users, count(n) AS items
OPTIONAL MATCH (n:Query) WITH users, items, count(n) AS queries
OPTIONAL MATCH (n:Event) WITH users, items, queries, count(n) AS events
RETURN users, items, queries, events`;
