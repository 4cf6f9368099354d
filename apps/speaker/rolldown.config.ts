/**
 * The speaker as the image runs it, bundled into bundle/ (tools/images/src/app-bundle-config.ts
 * has the how and why). The BFD worker thread starts from a file beside the code that starts it
 * (`new URL('./….js', import.meta.url)`), so its entry keeps that name in the same directory.
 */
import { appBundleConfig } from '../../tools/images/src/app-bundle-config.ts';

export default appBundleConfig({
  main: 'dist/main.js',
  'bfd-worker-main': '../../packages/bfd/dist/bfd-worker-main.js',
});
