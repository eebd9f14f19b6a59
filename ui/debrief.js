/* debrief.js: live updates of a run's debrief page (/runs/{id}/debrief).
 * The server renders the whole page; without this script it is current
 * as of its last load and has a Refresh link. With it, an EventSource on
 * the run's event stream keeps the skill table, the comments and the
 * run's status up to date without a reload. EventSource reconnects by
 * itself and sends Last-Event-ID, so the server replays what was missed;
 * every update here is idempotent (a row or a comment is replaced by its
 * key), so a replayed event changes nothing.
 *
 * The page's contract (runs_pages.c):
 *   #debrief[data-events]        the stream's URL (…/events?after=<seq>)
 *   tr[data-skill=code]          one row a skill of the table, cells .instructor,
 *                                .classmate, .spread, .scorers
 *   #comments                    <ol> (absent while #no-comments shows);
 *                                each li[data-feedback=id][data-revision]
 *                                has .who and .text
 *   #run-status                  the run's status text
 *   #run-result                  the result line (filled when closed)
 *   #live                        a polite live region for announcements
 *   #refresh                     the no-script Refresh link (hidden here)
 */
(function () {
	"use strict";

	var root = document.getElementById("debrief");
	if (!root || !window.EventSource) {
		return;
	}
	var url = root.getAttribute("data-events");
	if (!url) {
		return;
	}
	var live = document.getElementById("live");
	var status = document.getElementById("run-status");

	function text(el, s) {
		if (el) {
			el.textContent = s;
		}
	}

	function mean(v) {
		/* As the server prints them (feedback_mean_text): "3.50". */
		return (v === null || v === undefined) ? "–" : Number(v).toFixed(2);
	}

	function say(s) {
		text(live, s);
	}

	/* The summary's skills array → the table's cells. */
	function updateSkills(skills) {
		if (!skills) {
			return;
		}
		skills.forEach(function (s) {
			var row = root.querySelector("tr[data-skill=\"" + CSS.escape(s.code) + "\"]");
			if (!row) {
				return;
			}
			text(row.querySelector(".instructor"), mean(s.instructor_mean));
			text(row.querySelector(".classmate"), mean(s.classmate_mean));
			var scorers = (s.n_instructors || 0) + (s.n_classmates || 0);
			text(row.querySelector(".spread"), scorers >= 2 ? String(s.spread) : "–");
			text(row.querySelector(".scorers"),
			     (s.n_instructors || 0) + " / " + (s.n_classmates || 0));
		});
	}

	function roleName(role) {
		return role === "instructor" ? "Instructor" : "Classmate";
	}

	/* One comment, added or replaced by its feedback id. */
	function updateComment(d) {
		var list = document.getElementById("comments");
		var empty = document.getElementById("no-comments");
		if (!d.feedback_id) {
			return;
		}
		if (!list && d.comment && empty) {
			/* The page has no (empty) list until the first comment. */
			list = document.createElement("ol");
			list.id = "comments";
			list.className = "comments";
			empty.parentNode.insertBefore(list, empty.nextSibling);
		}
		if (!list) {
			return;
		}
		var li = list.querySelector("li[data-feedback=\"" + Number(d.feedback_id) + "\"]");
		if (!d.comment) {
			if (li) {
				li.parentNode.removeChild(li);
			}
			if (empty && !list.children.length) {
				empty.hidden = false;
			}
			return;
		}
		if (empty) {
			empty.hidden = true;
		}
		if (li && Number(li.getAttribute("data-revision")) > Number(d.revision)) {
			return;
		}
		if (!li) {
			li = document.createElement("li");
			li.setAttribute("data-feedback", String(Number(d.feedback_id)));
			var who = document.createElement("p");
			who.className = "who";
			var body = document.createElement("p");
			body.className = "text";
			li.appendChild(who);
			li.appendChild(body);
			list.appendChild(li);
		}
		li.setAttribute("data-revision", String(Number(d.revision) || 1));
		li.className = "comment comment-" + (d.role === "instructor" ? "instructor" : "classmate");
		var label = d.author ? d.author + " (" + roleName(d.role).toLowerCase() + ")"
		                     : roleName(d.role);
		if (Number(d.revision) > 1) {
			label += " · revised";
		}
		text(li.querySelector(".who"), label);
		text(li.querySelector(".text"), d.comment);
	}

	/* The same words as runs.c's run_status_label. */
	var statusText = {
		live: "Live",
		ended: "Ended",
		closed: "Closed"
	};

	function setStatus(s, note) {
		text(status, statusText[s] || s);
		root.setAttribute("data-status", s);
		say(note);
	}

	function on(kind, handler) {
		source.addEventListener(kind, function (ev) {
			var d;
			try {
				d = JSON.parse(ev.data);
			} catch (e) {
				return;
			}
			handler(d);
		});
	}

	var source = new EventSource(url);
	var refresh = document.getElementById("refresh");
	if (refresh) {
		refresh.hidden = true;
	}
	root.setAttribute("data-live", "connecting");

	source.addEventListener("open", function () {
		root.setAttribute("data-live", "open");
	});
	source.addEventListener("error", function () {
		/* EventSource retries by itself; a closed one (HTTP error) does
		 * not, and then the Refresh link is the way on. */
		if (source.readyState === EventSource.CLOSED) {
			root.setAttribute("data-live", "closed");
			if (refresh) {
				refresh.hidden = false;
			}
		} else {
			root.setAttribute("data-live", "connecting");
		}
	});

	on("feedback", function (d) {
		updateSkills(d.summary);
		updateComment(d);
		root.setAttribute("data-seq", String(d.seq));
		say("New feedback from " + (d.author || "a " + roleName(d.role).toLowerCase()) + ".");
	});
	on("ended", function (d) {
		root.setAttribute("data-seq", String(d.seq));
		setStatus("ended", "The scenario has ended; feedback is still open.");
	});
	on("closed", function (d) {
		root.setAttribute("data-seq", String(d.seq));
		var result = document.getElementById("run-result");
		if (result) {
			result.hidden = false;
			text(result, "Result: " + (d.result === "pass" ? "Passed" : "Did not pass") +
			     " (instructors' mean " + mean(d.mean) + ")");
		}
		setStatus("closed", "The run is closed.");
		/* Nothing more will come: the run is closed for good. */
		source.close();
		root.setAttribute("data-live", "done");
	});
})();
