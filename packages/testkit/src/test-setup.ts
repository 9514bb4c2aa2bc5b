/**
 * Set-up file of every test worker (vitest `setupFiles`): after each test, give back the globals a
 * seeded section still holds, so that a test that timed out inside `withSeededRandom` or
 * `withFixedClock` cannot make the tests after it fail as reentrant.
 */
import { afterEach } from "vitest";
import { releaseSeededSections } from "./seeded.js";

afterEach(() => {
  releaseSeededSections();
});
