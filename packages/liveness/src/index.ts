export type { EventLoopWatchdogOptions } from './event-loop-watchdog.ts';
export { defaultEventLoopWatchdog, EventLoopWatchdog } from './event-loop-watchdog.ts';
export type { HeartbeatOptions, LivenessClock } from './heartbeat-monitor.ts';
export { HeartbeatMonitor, monotonicClock } from './heartbeat-monitor.ts';
