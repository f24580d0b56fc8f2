'use strict';

// Answers which of the variables named in the query its process environment has: the generic-mode tests' probe.
exports.handle = (request) => Object.fromEntries(request.searchParams.getAll('name').map((name) => [name, process.env[name] ?? null]));
