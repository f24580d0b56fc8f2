'use strict';

// The cold-start baseline for the node runtime: a bare node:http hello-world on 127.0.0.1:$PORT.
const http = require('node:http');

http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('Hello, world!');
}).listen(Number(process.env.PORT), '127.0.0.1');
