-- 0001_foundation: partners, people, sign-in, API tokens and the audit log.
-- Times are integer seconds since the epoch, UTC (audit: centiseconds).

CREATE TABLE orgs (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('law_enforcement', 'mental_health', 'hospital', 'advocacy', 'dispatch', 'other')),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs(id),
	email TEXT NOT NULL UNIQUE,            -- stored lower-cased
	name TEXT NOT NULL,
	roles INTEGER NOT NULL,                -- bit mask, see src/auth/roles.h
	password_hash TEXT,                    -- Argon2id; NULL until set
	is_active INTEGER NOT NULL DEFAULT 1,
	locked_at INTEGER,                     -- set by the lockout; cleared by unlock
	totp_secret TEXT,                      -- base32; NULL until enrolled
	totp_enabled_at INTEGER,
	totp_last_step INTEGER NOT NULL DEFAULT 0, -- last accepted time step: each code once
	password_changed_at INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX users_org ON users(org_id, name);

-- Failed sign-ins, for the lockout window (5 in 15 minutes).
CREATE TABLE login_failures (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	at INTEGER NOT NULL,
	ip TEXT
);
CREATE INDEX login_failures_user ON login_failures(user_id, at);

-- Sessions: only the SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	token_hash TEXT NOT NULL UNIQUE,
	csrf_token TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,          -- absolute limit (12 h)
	mfa_passed INTEGER NOT NULL DEFAULT 0, -- 0 while a TOTP code is still owed
	ip TEXT,
	user_agent TEXT,
	ended_at INTEGER
);
CREATE INDEX sessions_user ON sessions(user_id, ended_at);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,                  -- first characters, to recognise a token
	created_at INTEGER NOT NULL,
	last_used_at INTEGER,
	expires_at INTEGER,
	revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Append-only, hash-chained: hash = SHA-256(prev_hash | canonical row).
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at_cs INTEGER NOT NULL,                -- centiseconds since the epoch, UTC
	actor_id INTEGER,                      -- NULL for anonymous / system
	actor_email TEXT,
	action TEXT NOT NULL,                  -- login.ok, login.fail, user.create, …
	object_type TEXT,
	object_id TEXT,
	ip TEXT,
	outcome TEXT NOT NULL,                 -- success, failure, denied
	detail TEXT,                           -- JSON, never a secret
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at_cs);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at_cs);
CREATE INDEX audit_log_action ON audit_log(action, at_cs);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Program settings (name, time zone …) that admins may change at run time.
CREATE TABLE settings (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
