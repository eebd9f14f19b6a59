-- 0005_scenarios: role-played crisis scenarios, rubrics, live runs and
-- the feedback of instructors and classmates.
-- Times are integer seconds since the epoch, UTC.

-- A rubric: ordered skills scored 1-5. A run passes when no critical
-- skill's instructor average is below 3 and the weighted mean of the
-- instructors' skill averages is at least pass_mean_x100 / 100.
-- A rubric that a run has used keeps its skills (runs point at them);
-- changing one means a copy.
CREATE TABLE rubrics (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,             -- "deescalation": stable for import/export
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	pass_mean_x100 INTEGER NOT NULL DEFAULT 300 CHECK (pass_mean_x100 BETWEEN 100 AND 500),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE rubric_skills (
	id INTEGER PRIMARY KEY,
	rubric_id INTEGER NOT NULL REFERENCES rubrics(id),
	position INTEGER NOT NULL,
	code TEXT NOT NULL,                    -- "introduces-self"
	title TEXT NOT NULL,
	anchor_1 TEXT NOT NULL DEFAULT '',     -- what a 1 looks like
	anchor_3 TEXT NOT NULL DEFAULT '',
	anchor_5 TEXT NOT NULL DEFAULT '',
	weight INTEGER NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 10),
	is_critical INTEGER NOT NULL DEFAULT 0, -- below 3 fails the run
	UNIQUE (rubric_id, code)
);
CREATE INDEX rubric_skills_rubric ON rubric_skills(rubric_id, position);

-- crisis_type: suicidal, psychosis, mania, depression, ptsd, autism,
-- dementia, youth, intoxication, family_conflict, other.
-- The rp_* fields are the role player's brief: instructors, presenters
-- and role players read them, trainees never do.
CREATE TABLE scenarios (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,             -- "bridge-railing": stable for import/export
	title TEXT NOT NULL,
	crisis_type TEXT NOT NULL CHECK (crisis_type IN ('suicidal', 'psychosis', 'mania', 'depression', 'ptsd', 'autism', 'dementia', 'youth', 'intoxication', 'family_conflict', 'other')),
	setting TEXT NOT NULL DEFAULT '',
	difficulty TEXT NOT NULL CHECK (difficulty IN ('introductory', 'intermediate', 'advanced')),
	dispatch_brief TEXT NOT NULL,          -- what the trainee is told
	rp_character TEXT NOT NULL DEFAULT '',
	rp_history TEXT NOT NULL DEFAULT '',
	rp_triggers TEXT NOT NULL DEFAULT '',
	rp_calms TEXT NOT NULL DEFAULT '',
	rp_escalates TEXT NOT NULL DEFAULT '',
	rp_cooperation TEXT NOT NULL DEFAULT '', -- when the character starts to cooperate
	rp_safety TEXT NOT NULL DEFAULT '',      -- limits the role player never crosses
	objectives TEXT NOT NULL DEFAULT '',     -- one a line
	debrief_questions TEXT NOT NULL DEFAULT '', -- one a line
	minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 60),
	rubric_id INTEGER REFERENCES rubrics(id), -- NULL: no run can start
	is_archived INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX scenarios_type ON scenarios(crisis_type, title);

-- How many passed scenario runs a course's completion rule asks for.
ALTER TABLE courses ADD COLUMN scenario_runs_required INTEGER NOT NULL DEFAULT 2 CHECK (scenario_runs_required BETWEEN 0 AND 20);

-- A live run inside a course: live (playing or being scored), ended
-- ("end scenario": still scored and revised), closed (result stored,
-- feedback frozen). event_seq is the last event's number: bumped in the
-- writing transaction, which also serialises writers of one run.
CREATE TABLE scenario_runs (
	id INTEGER PRIMARY KEY,
	course_id INTEGER NOT NULL REFERENCES courses(id),
	scenario_id INTEGER NOT NULL REFERENCES scenarios(id),
	rubric_id INTEGER NOT NULL REFERENCES rubrics(id), -- the scenario's at start
	enrollment_id INTEGER NOT NULL REFERENCES enrollments(id), -- the trainee's
	trainee_id INTEGER NOT NULL REFERENCES users(id),
	role_player_id INTEGER REFERENCES users(id), -- NULL: an actor without an account
	role_player_name TEXT NOT NULL DEFAULT '',
	join_code TEXT NOT NULL UNIQUE,        -- short, unambiguous letters and digits
	status TEXT NOT NULL CHECK (status IN ('live', 'ended', 'closed')),
	is_anonymous INTEGER NOT NULL DEFAULT 1, -- classmates' names hidden from the trainee
	started_by INTEGER NOT NULL REFERENCES users(id),
	started_at INTEGER NOT NULL,
	ended_at INTEGER,
	closed_by INTEGER REFERENCES users(id),
	closed_at INTEGER,
	result TEXT CHECK (result IN ('pass', 'fail')), -- set when closed
	mean_x100 INTEGER,                     -- the instructors' weighted mean ×100, when closed
	event_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX scenario_runs_course ON scenario_runs(course_id, started_at);
CREATE INDEX scenario_runs_trainee ON scenario_runs(trainee_id, started_at);

-- One feedback a person a run, revised in place (revision counts up).
CREATE TABLE run_feedback (
	id INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL REFERENCES scenario_runs(id),
	author_id INTEGER NOT NULL REFERENCES users(id),
	author_role TEXT NOT NULL CHECK (author_role IN ('instructor', 'classmate')),
	comment TEXT NOT NULL DEFAULT '',
	revision INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (run_id, author_id)
);

CREATE TABLE run_scores (
	feedback_id INTEGER NOT NULL REFERENCES run_feedback(id),
	skill_id INTEGER NOT NULL REFERENCES rubric_skills(id),
	score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
	PRIMARY KEY (feedback_id, skill_id)
);

-- The run's live events, kept so a reconnecting screen (Last-Event-ID)
-- misses nothing and other serve processes can read what they are told
-- about (PostgreSQL NOTIFY carries only the channel).
CREATE TABLE run_events (
	run_id INTEGER NOT NULL REFERENCES scenario_runs(id),
	seq INTEGER NOT NULL,
	kind TEXT NOT NULL,                    -- "feedback", "ended", "closed"
	data TEXT NOT NULL,                    -- JSON
	created_at INTEGER NOT NULL,
	PRIMARY KEY (run_id, seq)
);
