'use strict';

// The artifact of a Kubernetes pool specialization: the function's .tar.gz (as its ConfigMap holds it, written by
// func deploy with .NET's TarWriter in PAX format), unpacked into the pool pod's empty, writable functionPath. Node's
// standard library has gzip but no tar, so the few entry kinds an artifact has are read here: regular files and
// directories, with PAX or GNU long names. Anything else (links, devices), an absolute path or a `..` is refused,
// as Python's `data` filter does: the archive comes from a user.

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const BLOCK = 512;

class ArtifactError extends Error {}

function field(header, offset, length) {
  const bytes = header.subarray(offset, offset + length);
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octal(header, offset, length) {
  const text = field(header, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new ArtifactError(`a tar header has a bad number "${text}"`);
  return text ? parseInt(text, 8) : 0;
}

/** PAX extended header records: `<length> <key>=<value>\n`. */
function paxRecords(data) {
  const records = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = parseInt(data.subarray(at, space).toString('ascii'), 10);
    if (!Number.isInteger(length) || length <= 0) throw new ArtifactError('a PAX header record is malformed');
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return records;
}

/** The entry's path inside `directory`, or throws for one that would leave it. */
function inside(directory, name) {
  const clean = name.replace(/\/+$/, '');
  if (!clean || path.isAbsolute(clean) || clean.split('/').includes('..')) {
    throw new ArtifactError(`the artifact has an entry outside the function directory: "${name}"`);
  }
  return path.join(directory, clean);
}

/** Unpacks a .tar.gz into an existing, empty directory; throws an ArtifactError saying why it cannot. */
function unpack(archive, directory) {
  let stat;
  try {
    stat = fs.statSync(directory);
  } catch {
    stat = null;
  }
  if (!stat || !stat.isDirectory()) throw new ArtifactError(`functionPath ${directory} is not a directory to unpack the artifact into`);
  if (fs.readdirSync(directory).length) throw new ArtifactError(`functionPath ${directory} is not empty: an artifact is unpacked into an empty directory only`);
  let tar;
  try {
    tar = zlib.gunzipSync(archive);
  } catch (err) {
    throw new ArtifactError(`the artifact cannot be unpacked: ${err.message}`);
  }
  let at = 0;
  let longName = null;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 0x30);
    const data = tar.subarray(at + BLOCK, at + BLOCK + size);
    if (data.length < size) throw new ArtifactError('the artifact cannot be unpacked: it ends inside an entry');
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      longName = paxRecords(data).path ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (type === 'g') continue;
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = null;
    const target = inside(directory, name);
    if (type === '5') {
      fs.mkdirSync(target, { recursive: true });
    } else if (type === '0' || type === '7') {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, data, { mode: octal(header, 100, 8) & 0o755 || 0o644 });
    } else {
      throw new ArtifactError(`the artifact has an entry of a kind a function directory does not need (tar type "${type}"): "${name}"`);
    }
  }
}

/** The optional `artifact` of a specialization body: { artifact: Buffer|null } or { error }. Pure. */
function parseArtifact(document) {
  const value = document?.artifact;
  if (value === undefined || value === null) return { artifact: null };
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    return { error: 'artifact must be a base64 string (a .tar.gz)' };
  }
  return { artifact: Buffer.from(value, 'base64') };
}

module.exports = { ArtifactError, parseArtifact, unpack };
