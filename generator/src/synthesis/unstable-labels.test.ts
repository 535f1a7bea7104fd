import { describe, expect, it } from 'vitest';
import { isVersionLikeLabel } from './unstable-labels.js';

/** Release labels are left out of selectors built without cluster state (issue 11, item 29). */
describe('version-like labels', () => {
  it.each([
    ['version', 'v1'],
    ['app.kubernetes.io/version', '3'],
    ['helm.sh/chart', 'nginx'],
    ['track', 'v1.8.2'],
    ['image', '1.2'],
    ['release', '2.4.1-alpine'],
    ['build', '1.0.0+build.5'],
    ['chart', 'nginx-1.25.3'],
  ])('%s=%s is version-like', (key, value) => {
    expect(isVersionLikeLabel(key, value)).toBe(true);
  });

  it.each([
    ['app', 'reviews'],
    ['track', 'v2'],
    ['tier', '3'],
    ['app', 'api-v2'],
    ['app.kubernetes.io/name', 'postgres'],
    ['team', 'storefront'],
  ])('%s=%s is not', (key, value) => {
    expect(isVersionLikeLabel(key, value)).toBe(false);
  });
});
