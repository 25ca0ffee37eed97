import { describe, expect, it } from 'vitest';
import { whyNoUi } from '../../cli/ui/can-start-ui.js';

const tty = { stdin: { isTTY: true }, stdout: { isTTY: true } };

describe('whyNoUi', () => {
  it('starts only on a terminal, without --json, --plain or CI', () => {
    expect(whyNoUi({}, tty, {})).toBeUndefined();
    expect(whyNoUi({}, tty, { CI: 'false' })).toBeUndefined();
    expect(whyNoUi({ json: true }, tty, {})).toBe('--json asks for machine output');
    expect(whyNoUi({ plain: true }, tty, {})).toBe('--plain asks for line output');
    expect(whyNoUi({}, tty, { CI: 'true' })).toBe('CI=true is set');
    expect(whyNoUi({}, tty, { CONTINUOUS_INTEGRATION: '1' })).toBe('CI=1 is set');
    expect(whyNoUi({}, { stdin: { isTTY: true }, stdout: {} }, {})).toBe('stdin and stdout are not both a terminal');
    expect(whyNoUi({}, { stdin: {}, stdout: { isTTY: true } }, {})).toBe('stdin and stdout are not both a terminal');
  });
});
