export type { AppName, BuiltImage } from './app-images.ts';
export { appImageRef, apps, buildAppImage } from './app-images.ts';
export type { BaseImageInputs, EnsureBaseResult } from './base-image.ts';
export { baseImageRef, ensureBaseImage, readBaseImageInputs } from './base-image.ts';
export type { BuildImagesResult } from './build-images.ts';
export { buildImages } from './build-images.ts';
export type { ContainerLauncher } from './container-launcher.ts';
export { createContainerLauncher, serviceAccountPath } from './container-launcher.ts';
export type { HardLimits } from './containers-conf.ts';
export { readHardLimits, renderContainersConf, ulimitFlags } from './containers-conf.ts';
export type { DeployedPod } from './deployed-pod.ts';
export {
  memberlistMount,
  podmanPodArgs,
  readDeployedPod,
  UnsupportedPodSettingError,
} from './deployed-pod.ts';
export { BaseImageInputError, ImageCommandError, ImageError } from './image-error.ts';
export { imagesNeeds } from './images-needs.ts';
export type { RunOptions } from './podman.ts';
export { Podman } from './podman.ts';
