/**
 * QuickJS WASM instances, each with its own `WebAssembly.Memory` whose hard maximum is the
 * memory ceiling: QuickJS's own `setMemoryLimit` does not hold in the prebuilt builds, a
 * memory maximum does. An instance serves one run at a time (runs may wait on host calls,
 * and two runs must not share a ceiling); a healthy one goes back to the pool, one that
 * failed is dropped, since after an OOM or an abort its heap may be unusable.
 */
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  RELEASE_SYNC,
  type CustomizeVariantOptions,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten';

const PAGE_BYTES = 65_536;
/** The prebuilt modules import a memory of at least 256 pages (16 MiB); smaller ceilings are raised to it. */
export const QUICKJS_MEMORY_FLOOR_MB = 16;

/** Emscripten options that stop an aborted instance printing to stderr; the run reports it instead. */
const QUIET = { print: (): void => {}, printErr: (): void => {} };

export interface QuickJsInstance {
  readonly module: QuickJSWASMModule;
  readonly memory: WebAssembly.Memory;
  readonly maximumPages: number;
  /** True when the last attempt to grow the memory failed: the guest is at its ceiling. */
  readonly atCeiling: boolean;
  /** Forget earlier growth failures; called before each run. */
  resetCeiling(): void;
}

export interface QuickJsInstancePoolOptions {
  /** Another build of QuickJS (e.g. a browser-specific one); default the release sync build. */
  variant?: QuickJSSyncVariant;
  /** A compiled module to instantiate from, skipping the per-instance load and compile. */
  wasmModule?: WebAssembly.Module;
  /** Idle instances kept for reuse, over all ceilings. Default 4. */
  maxIdle?: number;
  /**
   * Instances alive at once, busy or idle. Runs beyond it wait: each instance may grow to
   * its ceiling, so this bounds the host memory scripts can take. Default 8.
   */
  maxInstances?: number;
}

export function maximumPagesFor(memoryMb: number): number {
  return Math.max(QUICKJS_MEMORY_FLOOR_MB * 16, Math.ceil((memoryMb * 1_048_576) / PAGE_BYTES));
}

async function createInstance(maximumPages: number, options: QuickJsInstancePoolOptions): Promise<QuickJsInstance> {
  const memory = new WebAssembly.Memory({ initial: QUICKJS_MEMORY_FLOOR_MB * 16, maximum: maximumPages });
  // Emscripten grows the heap through this object's grow(); watching it is how we tell an
  // allocation bomb from an ordinary error, even when the guest cannot build the OOM error.
  let atCeiling = false;
  const grow = memory.grow.bind(memory);
  memory.grow = (delta: number): number => {
    try {
      const previous = grow(delta);
      atCeiling = false;
      return previous;
    } catch (error) {
      atCeiling = true;
      throw error;
    }
  };
  const variant = newVariant(options.variant ?? RELEASE_SYNC, {
    wasmMemory: memory,
    ...(options.wasmModule ? { wasmModule: options.wasmModule } : {}),
    emscriptenModule: QUIET as CustomizeVariantOptions['emscriptenModule'],
  });
  const module = await newQuickJSWASMModuleFromVariant(variant);
  return {
    module,
    memory,
    maximumPages,
    get atCeiling() {
      return atCeiling;
    },
    resetCeiling() {
      atCeiling = false;
    },
  };
}

export class QuickJsInstancePool {
  private readonly idle: QuickJsInstance[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly maxIdle: number;
  private readonly maxInstances: number;
  private busy = 0;

  constructor(private readonly options: QuickJsInstancePoolOptions = {}) {
    this.maxIdle = options.maxIdle ?? 4;
    this.maxInstances = Math.max(1, options.maxInstances ?? 8);
  }

  async acquire(memoryMb: number): Promise<QuickJsInstance> {
    const maximumPages = maximumPagesFor(memoryMb);
    for (;;) {
      const index = this.idle.findIndex((instance) => instance.maximumPages === maximumPages);
      if (index >= 0) {
        this.busy += 1;
        return this.idle.splice(index, 1)[0] as QuickJsInstance;
      }
      // An idle instance of another ceiling gives up its place to this one.
      if (this.busy + this.idle.length >= this.maxInstances) this.idle.shift();
      if (this.busy < this.maxInstances) {
        this.busy += 1;
        try {
          return await createInstance(maximumPages, this.options);
        } catch (error) {
          this.release(undefined, false);
          throw error;
        }
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Returns a healthy instance for reuse; an unhealthy one is left to the garbage collector. */
  release(instance: QuickJsInstance | undefined, healthy: boolean): void {
    this.busy -= 1;
    if (instance && healthy && !instance.atCeiling) {
      this.idle.push(instance);
      // Oldest out first: they are the likeliest to hold a grown memory.
      while (this.idle.length > this.maxIdle) this.idle.shift();
    }
    this.waiters.shift()?.();
  }

  clear(): void {
    this.idle.length = 0;
  }
}
