'use strict';

// The artifact of a Kubernetes pool specialization: parseArtifact and unpack, on archives made by Python's tarfile
// (PAX, as func deploy's TarWriter writes them; GNU long names; and hostile entries no packer of ours makes).

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ArtifactError, parseArtifact, unpack } = require('../lib/artifact');

/** A .tar.gz of `entries` ([name, content | null for a directory, type?]) in `format` (PAX_FORMAT, GNU_FORMAT). */
function archive(entries, format = 'PAX_FORMAT') {
  const script = `
import io, json, sys, tarfile
entries, fmt = json.loads(sys.argv[1]), sys.argv[2]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w:gz", format=getattr(tarfile, fmt)) as t:
    for name, content, kind in entries:
        info = tarfile.TarInfo(name)
        if kind == "symlink":
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        elif content is None:
            info.type = tarfile.DIRTYPE
        else:
            data = content.encode()
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
            continue
        t.addfile(info)
sys.stdout.buffer.write(buf.getvalue())
`;
  return execFileSync('python3', ['-c', script, JSON.stringify(entries.map(([n, c, k]) => [n, c, k ?? null])), format]);
}

function emptyDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'artifact-'));
}

describe('unpack', () => {
  it('writes files and directories, PAX and GNU long names', () => {
    const longName = `deep/${'x'.repeat(120)}.js`;
    for (const format of ['PAX_FORMAT', 'GNU_FORMAT', 'USTAR_FORMAT']) {
      const dir = emptyDir();
      const entries = [['index.js', 'exports.handle = () => "hi";'], ['lib', null], ['lib/util.js', 'module.exports = 1;']];
      if (format !== 'USTAR_FORMAT') entries.push([longName, 'long']);
      unpack(archive(entries, format), dir);
      assert.equal(fs.readFileSync(path.join(dir, 'index.js'), 'utf8'), 'exports.handle = () => "hi";', format);
      assert.equal(fs.readFileSync(path.join(dir, 'lib', 'util.js'), 'utf8'), 'module.exports = 1;', format);
      if (format !== 'USTAR_FORMAT') assert.equal(fs.readFileSync(path.join(dir, longName), 'utf8'), 'long', format);
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('refuses what leaves the directory, links, garbage and a non-empty or missing directory', () => {
    const cases = [
      [[['../escape.js', 'x']], 'outside the function directory'],
      [[['/etc/evil.js', 'x']], 'outside the function directory'],
      [[['a/../../escape.js', 'x']], 'outside the function directory'],
      [[['link', null, 'symlink']], 'tar type "2"'],
    ];
    for (const [entries, message] of cases) {
      const dir = emptyDir();
      assert.throws(() => unpack(archive(entries), dir), (err) => err instanceof ArtifactError && err.message.includes(message), message);
      assert.equal(fs.existsSync(path.join(path.dirname(dir), 'escape.js')), false);
      fs.rmSync(dir, { recursive: true });
    }
    const dir = emptyDir();
    assert.throws(() => unpack(Buffer.from('not gzip'), dir), /cannot be unpacked/);
    fs.writeFileSync(path.join(dir, 'there'), '');
    assert.throws(() => unpack(archive([['a.js', '']]), dir), /is not empty/);
    assert.throws(() => unpack(archive([['a.js', '']]), path.join(dir, 'missing')), /is not a directory/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('parseArtifact', () => {
  it('decodes base64 and names a bad value', () => {
    assert.deepEqual(parseArtifact({}), { artifact: null });
    assert.deepEqual(parseArtifact({ artifact: Buffer.from('abc').toString('base64') }), { artifact: Buffer.from('abc') });
    assert.deepEqual(parseArtifact({ artifact: 3 }), { error: 'artifact must be a base64 string (a .tar.gz)' });
    assert.deepEqual(parseArtifact({ artifact: 'not base64!' }), { error: 'artifact must be a base64 string (a .tar.gz)' });
  });
});
