-- The desk queues (incident, vulnerability, phishing reports) page by keyset: each page
-- starts after the last row's (reported_at, id), in the queue's order. The listing builds
-- its SQL from the filters present and reads each asked state as its own index range in
-- that order, so a page costs about what it shows at any depth and in a table of any
-- size; these indexes end in (reported_at, id) for that walk:
--   * by kind alone (every state, no other filter);
--   * by kind and state (the default queue of open states; replaces the one by
--     (kind, state, reported_at), which lacked the id the order ends in);
--   * by kind, category and state (the incident type filter);
--   * by assignee, kind and state (mine, someone's, unassigned; its first column also
--     serves every lookup by assignee the old one by assignee alone did).

CREATE INDEX reports_kind_time ON reports (kind, reported_at, id);
CREATE INDEX reports_state_time ON reports (kind, state, reported_at, id);
CREATE INDEX reports_category_time ON reports (kind, category, state, reported_at, id);
CREATE INDEX reports_assignee_time ON reports (assignee_id, kind, state, reported_at, id);
DROP INDEX reports_queue;
DROP INDEX reports_assignee;
