-- 0002_users_by_name: the people list is sorted by name (keyset paging on
-- name, id); this index lets it read the first page in order and stop,
-- instead of sorting every user on each request.
CREATE INDEX users_name ON users(name, id);
