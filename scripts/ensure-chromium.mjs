// Finds a Chromium for the browser tests (CHROME_PATH, then the usual paths) and, run as root on
// Debian, installs Debian's `chromium` when there is none. Prints its path; exits 1 with advice otherwise.
import { findChromium } from './testhost.mjs';

try {
  console.log(`[chromium] ${findChromium()}`);
} catch (e) {
  console.error(`[chromium] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
