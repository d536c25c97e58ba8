import { watch, type FSWatcher } from 'node:fs'
import type { Logger } from '../logger.ts'

export interface WatchRulesDirOptions {
  /** one reload per burst of events: editors write, rename and chmod in quick succession */
  debounceMs?: number
  logger: Logger
}

export interface DirWatcher {
  close(): void
}

const DEFAULT_DEBOUNCE_MS = 200

/**
 * Rule files, plus Kubernetes ConfigMap internals: a ConfigMap mount swaps its `..data` symlink
 * (to a fresh `..<timestamp>` directory) instead of touching the visible files. Editor droppings
 * (`.swp`, `~`, vim's `4913` probe) are ignored.
 */
function isRelevant(filename: string | null): boolean {
  return filename === null || filename.startsWith('..') || /\.(ya?ml|json)$/i.test(filename)
}

/**
 * Calls `onChange` (debounced) when something in `dir` changes. The directory is watched, not the
 * files: editors save by writing a new file and renaming it over the old one, which a file watch
 * loses track of. If the directory itself is replaced, the watch ends; SIGHUP still reloads.
 */
export function watchRulesDir(dir: string, onChange: () => void, options: WatchRulesDirOptions): DirWatcher {
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS
  let timer: NodeJS.Timeout | undefined
  let watcher: FSWatcher
  const schedule = (): void => {
    clearTimeout(timer)
    timer = setTimeout(onChange, debounceMs)
    timer.unref()
  }
  try {
    // not persistent: watching must never keep a stopping process alive
    watcher = watch(dir, { persistent: false }, (_event, filename) => {
      if (isRelevant(filename)) schedule()
    })
  } catch (err) {
    options.logger.warn({ rules_dir: dir, err: (err as Error).message }, 'rules watch unavailable; reload with SIGHUP')
    return { close: () => undefined }
  }
  watcher.on('error', (err) => options.logger.warn({ rules_dir: dir, err: err.message }, 'rules watch stopped; reload with SIGHUP'))
  return {
    close() {
      clearTimeout(timer)
      watcher.close()
    },
  }
}
