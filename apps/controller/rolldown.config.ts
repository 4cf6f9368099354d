/**
 * The controller as the image runs it, bundled into bundle/ (tools/images/src/app-bundle-config.ts
 * has the how and why). It loads the packet-socket addon for malloc trimming only.
 */
import { appBundleConfig } from '../../tools/images/src/app-bundle-config.ts';

export default appBundleConfig({ main: 'dist/main.js' });
