import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stepSection } from '../../cli/ui/session/step-log.js';
import { LogFile } from '../../cli/ui/store/log-file.js';

describe('LogFile', () => {
  it('keeps lines that came before it was named, and writes every event as --plain would', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-log-'));
    const file = new LogFile(join(dir, '.kiln', 'logs'));
    file.emit({ type: 'notice', level: 'info', message: 'early' });
    expect(file.open('hello-r1')).toBe(join(dir, '.kiln', 'logs', 'hello-r1.log'));
    file.emit({ type: 'step', n: 3, name: 'build', status: 'running' });
    file.emit({ type: 'log', source: 'app.build', line: 'compiling' });
    file.close('unused');
    expect(readFileSync(join(dir, '.kiln', 'logs', 'hello-r1.log'), 'utf8')).toBe('· early\n»  3. build\n  │ app.build: compiling\n');
    expect(file.shown(dir)).toBe(join('.kiln', 'logs', 'hello-r1.log'));
  });

  it('names a file that was never named after the activity', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-log-'));
    const file = new LogFile(dir);
    file.emit({ type: 'notice', level: 'warn', message: 'no release event came' });
    file.close('release-2026');
    expect(readFileSync(join(dir, 'release-2026.log'), 'utf8')).toBe('! no release event came\n');
  });
});

describe('stepSection', () => {
  const log = [
    '━━ release hello-r3 started', '» 10. cutover', '✓ 10. cutover done (2.85s)', '» 11. test in production',
    '! production test "x": failed: 404', '✗ 11. test in production failed (0.13s): production test "x" failed', '↺ 10. cutover rolled-back', '━━ release hello-r3 rolled-back', '',
  ].join('\n');

  it('cuts the failed step from its start to the end, with the cleanup that followed', () => {
    expect(stepSection(log, 11)).toEqual(['» 11. test in production', '! production test "x": failed: 404', '✗ 11. test in production failed (0.13s): production test "x" failed', '↺ 10. cutover rolled-back', '━━ release hello-r3 rolled-back']);
  });

  it('stops at the next step\'s start', () => {
    expect(stepSection(log, 10)).toEqual(['» 10. cutover', '✓ 10. cutover done (2.85s)']);
  });

  it('is the whole log when the step never started', () => {
    expect(stepSection(log, 4)).toHaveLength(8);
  });
});
