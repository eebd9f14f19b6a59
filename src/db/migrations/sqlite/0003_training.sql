-- 0003_training: the 40-hour course from curriculum to certificate.
-- A curriculum is a line of versions; the national model is one (kind
-- 'model', loaded from data/curricula/), each local adaptation another.
-- Approved versions never change; courses keep the version they use.
-- Times are integer seconds since the epoch, UTC; minutes are integers.

CREATE TABLE curricula (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('model', 'local')),
	created_at INTEGER NOT NULL
);

CREATE TABLE curriculum_versions (
	id INTEGER PRIMARY KEY,
	curriculum_id INTEGER NOT NULL REFERENCES curricula(id),
	version INTEGER NOT NULL,
	title TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('draft', 'approved')),
	based_on_id INTEGER REFERENCES curriculum_versions(id), -- the model or earlier version it came from
	approved_at INTEGER,
	approved_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (curriculum_id, version)
);

-- component: clinical, lived_experience, deescalation, scenarios, legal,
-- resources (community resources and site visits), program.
-- instructor_kinds: comma list of clinician, officer (experienced officer),
-- presenter (lived experience or family member), role_player.
CREATE TABLE curriculum_modules (
	id INTEGER PRIMARY KEY,
	version_id INTEGER NOT NULL REFERENCES curriculum_versions(id),
	code TEXT NOT NULL,                    -- stable across versions: "verbal-deescalation"
	position INTEGER NOT NULL,
	day INTEGER NOT NULL DEFAULT 1,        -- suggested day of the five
	title TEXT NOT NULL,
	component TEXT NOT NULL CHECK (component IN ('clinical', 'lived_experience', 'deescalation', 'scenarios', 'legal', 'resources', 'program')),
	minutes INTEGER NOT NULL CHECK (minutes > 0),
	objectives TEXT NOT NULL DEFAULT '',   -- one objective a line
	instructor_kinds TEXT NOT NULL DEFAULT '',
	is_required INTEGER NOT NULL DEFAULT 0, -- the model requires it: may be re-timed ±25%, not dropped
	model_minutes INTEGER,                 -- the model's time, for the ±25% rule (NULL: local module)
	UNIQUE (version_id, code)
);
CREATE INDEX curriculum_modules_version ON curriculum_modules(version_id, position);

CREATE TABLE courses (
	id INTEGER PRIMARY KEY,
	version_id INTEGER NOT NULL REFERENCES curriculum_versions(id),
	title TEXT NOT NULL,
	location TEXT NOT NULL DEFAULT '',
	starts_on INTEGER NOT NULL,            -- first day, midnight UTC of the local date
	ends_on INTEGER NOT NULL,              -- last day, likewise
	capacity INTEGER NOT NULL CHECK (capacity > 0),
	status TEXT NOT NULL CHECK (status IN ('planned', 'open', 'in_progress', 'completed', 'cancelled')),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX courses_dates ON courses(starts_on);

CREATE TABLE course_sessions (
	id INTEGER PRIMARY KEY,
	course_id INTEGER NOT NULL REFERENCES courses(id),
	starts_at INTEGER NOT NULL,
	ends_at INTEGER NOT NULL,
	room TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	CHECK (ends_at > starts_at)
);
CREATE INDEX course_sessions_course ON course_sessions(course_id, starts_at);
CREATE INDEX course_sessions_time ON course_sessions(starts_at, ends_at);

-- Which modules a session covers, and for how many of its minutes.
CREATE TABLE session_modules (
	session_id INTEGER NOT NULL REFERENCES course_sessions(id),
	module_id INTEGER NOT NULL REFERENCES curriculum_modules(id),
	minutes INTEGER NOT NULL CHECK (minutes > 0),
	PRIMARY KEY (session_id, module_id)
);
CREATE INDEX session_modules_module ON session_modules(module_id);

CREATE TABLE session_instructors (
	session_id INTEGER NOT NULL REFERENCES course_sessions(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	PRIMARY KEY (session_id, user_id)
);
CREATE INDEX session_instructors_user ON session_instructors(user_id);

-- One row a person a course. The waitlist is ordered by waitlisted_at, id.
CREATE TABLE enrollments (
	id INTEGER PRIMARY KEY,
	course_id INTEGER NOT NULL REFERENCES courses(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	status TEXT NOT NULL CHECK (status IN ('enrolled', 'waitlisted', 'withdrawn', 'completed')),
	enrolled_by INTEGER REFERENCES users(id),
	waitlisted_at INTEGER,
	assessment_passed_at INTEGER,          -- scenario assessment (until issue 4: an instructor's sign-off)
	assessment_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (course_id, user_id)
);
CREATE INDEX enrollments_user ON enrollments(user_id);
CREATE INDEX enrollments_course ON enrollments(course_id, status);

-- Roll call: everyone is present by default; a row records what differs
-- or was confirmed. credited_minutes is what the person attended.
CREATE TABLE attendance (
	id INTEGER PRIMARY KEY,
	session_id INTEGER NOT NULL REFERENCES course_sessions(id),
	enrollment_id INTEGER NOT NULL REFERENCES enrollments(id),
	status TEXT NOT NULL CHECK (status IN ('present', 'late', 'left_early', 'absent')),
	minutes_late INTEGER NOT NULL DEFAULT 0 CHECK (minutes_late >= 0),
	minutes_left_early INTEGER NOT NULL DEFAULT 0 CHECK (minutes_left_early >= 0),
	credited_minutes INTEGER NOT NULL CHECK (credited_minutes >= 0),
	recorded_by INTEGER REFERENCES users(id),
	recorded_at INTEGER NOT NULL,
	UNIQUE (session_id, enrollment_id)
);
CREATE INDEX attendance_enrollment ON attendance(enrollment_id);

-- Make-up credit: a missed module attended in a session of another course.
CREATE TABLE makeup_credits (
	id INTEGER PRIMARY KEY,
	enrollment_id INTEGER NOT NULL REFERENCES enrollments(id),
	module_code TEXT NOT NULL,
	session_id INTEGER NOT NULL REFERENCES course_sessions(id),
	minutes INTEGER NOT NULL CHECK (minutes > 0),
	recorded_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	UNIQUE (enrollment_id, module_code, session_id)
);

CREATE TABLE certificates (
	id INTEGER PRIMARY KEY,
	serial TEXT NOT NULL UNIQUE,           -- "PB-2026-0001"
	verify_code TEXT NOT NULL UNIQUE,      -- random, in /verify/CODE and the QR code
	enrollment_id INTEGER NOT NULL UNIQUE REFERENCES enrollments(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	course_id INTEGER NOT NULL REFERENCES courses(id),
	holder_name TEXT NOT NULL,             -- as printed, kept if the person renames
	minutes INTEGER NOT NULL,
	issued_at INTEGER NOT NULL,
	expires_at INTEGER,
	refresher_due_at INTEGER,
	revoked_at INTEGER,
	revoked_by INTEGER REFERENCES users(id),
	revoked_reason TEXT
);
CREATE INDEX certificates_user ON certificates(user_id);
CREATE INDEX certificates_course ON certificates(course_id);
