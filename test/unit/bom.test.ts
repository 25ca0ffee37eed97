import { describe, expect, test } from 'vitest';
import { bomDigest, parseDpkgList, type Bom } from '../../bake/bom/bom.js';
import { diffBoms } from '../../bake/bom/diff-boms.js';
import { topMostPaths } from '../../bake/secrets/scan-layer.js';
import { redact, redactDeep, registerSecret, REDACTED } from '../../bake/secrets/redact.js';

const bom = (packages: [string, string][], files: [string, string][], app = 'sha256:a'): Bom => ({
  schema: 1, recipeDigest: 'sha256:r', base: { description: 'x', digest: 'sha256:b' },
  layers: [{ name: 'os', digest: 'sha256:o' }, { name: 'packages', digest: `sha256:p${packages.length}` }, { name: 'app', digest: app }],
  packages: packages.map(([name, version]) => ({ name, version })),
  app: { files: files.map(([path, sha256]) => ({ path, sha256 })), dependencies: [] },
});

describe('bill of materials', () => {
  test('parses dpkg-query output, sorted', () => {
    expect(parseDpkgList('zlib1g\t1:1.2.13\nbash\t5.2.15-2\n\n')).toEqual([{ name: 'bash', version: '5.2.15-2' }, { name: 'zlib1g', version: '1:1.2.13' }]);
  });

  test('diff names packages added, removed and upgraded, app files and layers', () => {
    const a = bom([['bash', '5.1'], ['jq', '1.6'], ['nodejs', '18.19']], [['server.mjs', 'h1'], ['old.js', 'h2']]);
    const b = bom([['bash', '5.2'], ['less', '590'], ['nodejs', '18.19']], [['server.mjs', 'h9'], ['new.js', 'h3']], 'sha256:a2');
    const diff = diffBoms(a, b);
    expect(diff.packages.added).toEqual([{ name: 'less', version: '590' }]);
    expect(diff.packages.removed).toEqual([{ name: 'jq', version: '1.6' }]);
    expect(diff.packages.changed).toEqual([{ name: 'bash', from: '5.1', to: '5.2' }]);
    expect(diff.appFiles).toEqual({ added: ['new.js'], removed: ['old.js'], changed: ['server.mjs'] });
    expect(diff.layers.map((layer) => [layer.name, layer.changed])).toEqual([['os', false], ['packages', false], ['app', true]]);
  });

  test('the digest changes with any content', () => {
    expect(bomDigest(bom([['a', '1']], []))).not.toBe(bomDigest(bom([['a', '2']], [])));
    expect(bomDigest(bom([['a', '1']], []))).toBe(bomDigest(bom([['a', '1']], [])));
  });
});

describe('layer scan paths', () => {
  test('exports added subtrees once, and changed leaves, never whole changed directories', () => {
    const changes = [
      { Path: '/opt', Kind: 0 }, { Path: '/opt/app', Kind: 1 }, { Path: '/opt/app/server.mjs', Kind: 1 },
      { Path: '/etc', Kind: 0 }, { Path: '/etc/passwd', Kind: 0 }, { Path: '/tmp/gone', Kind: 2 },
    ];
    expect(topMostPaths(changes)).toEqual(['/etc/passwd', '/opt/app']);
  });
});

describe('redaction', () => {
  test('hides registered values in text and in JSON values, nothing else', () => {
    registerSecret('hunter2-and-more');
    expect(redact('token=hunter2-and-more; again hunter2-and-more')).toBe(`token=${REDACTED}; again ${REDACTED}`);
    expect(redactDeep({ a: ['x hunter2-and-more'], b: 1 })).toEqual({ a: [`x ${REDACTED}`], b: 1 });
    expect(redact('nothing secret here')).toBe('nothing secret here');
  });
});
