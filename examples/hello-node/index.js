'use strict';

// The smallest Node.js function: answers "Hello, <name>!" as text, name from the query string.
exports.handle = (request) => `Hello, ${request.query.name ?? 'world'}!`;
