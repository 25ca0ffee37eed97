import { describe, expect, it } from 'vitest';
import { editionRunsInstances } from '../../simulate/aws/platform-instances.js';

describe('whether LocalStack runs EC2 instances itself', () => {
  it('community (as 4.14.0 reports itself in host mode) does not', () => {
    expect(editionRunsInstances({ version: '4.14.0', edition: 'unknown', is_license_activated: false })).toBe(false);
    expect(editionRunsInstances({ edition: 'community' })).toBe(false);
    expect(editionRunsInstances(undefined)).toBe(false);
  });
  it('a licensed edition does', () => {
    expect(editionRunsInstances({ edition: 'pro', is_license_activated: true })).toBe(true);
    expect(editionRunsInstances({ edition: 'enterprise' })).toBe(true);
    expect(editionRunsInstances({ edition: 'unknown', is_license_activated: true })).toBe(true);
  });
});
