/** What building and running the images needs from the host (Debian packages). */
import type { Needs } from '@baremetal-lb/lab';

export function imagesNeeds(): Needs {
  return {
    // debootstrap, podman's root storage and runc's cgroups.
    root: true,
    commands: [
      { name: 'podman', debianPackage: 'podman' },
      { name: 'buildah', debianPackage: 'buildah' },
      { name: 'runc', debianPackage: 'runc' },
      { name: 'debootstrap', debianPackage: 'debootstrap' },
    ],
  };
}
