export { type RunningController, runController } from './app.ts';
export { Controller, type ControllerDeps, type ControllerOptions, SyncState } from './controller.ts';
export { type ControllerApi, KubeControllerApi, KubeLeaseStore } from './controller-api.ts';
export { createControllerEvents, reportingController } from './controller-events.ts';
export { ControllerError, FlagError, KubeApiError, KubeConfigError } from './errors.ts';
export { type ControllerOptions as ControllerFlags, parseFlags, usage } from './flags.ts';
export { decideService, EventReason, type ServiceDecision } from './service-decision.ts';
export { poolAnnotation, type ServiceTranslation, translateService } from './service-translation.ts';
