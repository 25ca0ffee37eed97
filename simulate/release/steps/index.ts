import type { Step } from '../context.js';
import { freeze } from './01-freeze.js';
import { tag } from './02-tag.js';
import { build } from './03-build.js';
import { test } from './04-test.js';
import { image } from './05-image.js';
import { configure } from './06-configure.js';
import { launch } from './07-launch.js';
import { imageTest } from './08-image-test.js';
import { startServices } from './09-start-services.js';
import { cutover } from './10-cutover.js';
import { testProduction } from './11-test-production.js';
import { shutdown } from './12-shutdown.js';

/** The twelve steps, in order. */
export const STEPS: readonly Step[] = [freeze, tag, build, test, image, configure, launch, imageTest, startServices, cutover, testProduction, shutdown];
