// Starts a real `keycard serve --demo` through the shared helper (tests/Shared/keycard.js).
import { startKeycard as startShared } from '../../Shared/keycard.js';

export { delay, findKeycardBinary } from '../../Shared/keycard.js';

export const demoUser = { userName: 'demo', password: 'keycard-demo', email: 'demo@example.com', name: 'Demo User' };
export const demoClientId = 'demo-app';

/**
 * Starts Keycard with the demo and resolves once /healthz answers. `settings` are host configuration passed through
 * as `--Key=value` (e.g. { 'Keycard:AccessTokenLifetime': '00:00:05' }).
 */
export function startKeycard(settings = {}) {
  return startShared({ args: ['--demo'], settings });
}
