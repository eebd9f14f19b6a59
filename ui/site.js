/* site.js: progressive enhancement only. Every form and link works
 * without it; this adds confirmation questions (data-confirm) and moves
 * focus to an error summary so screen-reader users hear it first. */
(function () {
	"use strict";

	document.addEventListener("submit", function (ev) {
		var form = ev.target;
		var question = form.getAttribute("data-confirm");
		if (question && !window.confirm(question)) {
			ev.preventDefault();
		}
	});

	document.addEventListener("click", function (ev) {
		var el = ev.target.closest ? ev.target.closest("a[data-confirm]") : null;
		if (el && !window.confirm(el.getAttribute("data-confirm"))) {
			ev.preventDefault();
		}
	});

	document.addEventListener("DOMContentLoaded", function () {
		var summary = document.querySelector(".error-summary");
		if (summary) {
			summary.focus();
		}
	});
})();
