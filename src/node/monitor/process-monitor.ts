import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface ProcessFigures {
  pid: number;
  uptimeSeconds: number;
  /** Share of one core used since the previous snapshot (or since start), in percent. */
  cpuPercent: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** Event-loop delay since the previous snapshot, in ms. */
  eventLoopDelayMs: { mean: number; p50: number; p99: number; max: number };
  host: { cpus: number; loadAverage: number[]; totalMemoryBytes: number; freeMemoryBytes: number };
}

/** The plan's resource monitor: process and host figures from Node's own APIs. */
export class ProcessMonitor {
  private readonly delay: IntervalHistogram;
  private lastCpu = process.cpuUsage();
  private lastTime = performance.now();

  constructor() {
    this.delay = monitorEventLoopDelay({ resolution: 10 });
    this.delay.enable();
  }

  snapshot(): ProcessFigures {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const usedMs = (cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 1000;
    const elapsedMs = Math.max(now - this.lastTime, 1);
    this.lastCpu = cpu;
    this.lastTime = now;
    const memory = process.memoryUsage();
    const ms = (ns: number): number => (Number.isFinite(ns) ? ns / 1e6 : 0);
    const figures: ProcessFigures = {
      pid: process.pid,
      uptimeSeconds: process.uptime(),
      cpuPercent: (usedMs / elapsedMs) * 100,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      eventLoopDelayMs: { mean: ms(this.delay.mean), p50: ms(this.delay.percentile(50)), p99: ms(this.delay.percentile(99)), max: ms(this.delay.max) },
      host: { cpus: cpus().length, loadAverage: loadavg(), totalMemoryBytes: totalmem(), freeMemoryBytes: freemem() },
    };
    this.delay.reset();
    return figures;
  }

  close(): void {
    this.delay.disable();
  }
}
