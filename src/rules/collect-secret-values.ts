import { sourceTypes } from '../sources/index.ts'
import { field } from '../sources/json-read.ts'
import type { SourceDefinition, TargetDefinition } from './types.ts'
import { urlSecretValues } from './url-secret-values.ts'

/**
 * Every secret a rule set holds, for masking in logs, API responses and dry runs: source
 * secrets and each source type's `secretOptions` (github's `redeliver.token`), plus the values
 * of each preset's `secretOptions` (for an object such as http `headers`, every string inside
 * it) and the forms presets derive from them (a Basic credential), and the query values and
 * user info of a target's `url`. Deduplicated, empty strings dropped.
 */
export function collectSecretValues(sources: Iterable<SourceDefinition>, targets: Iterable<TargetDefinition>): string[] {
  const found = new Set<string>()
  for (const source of sources) {
    for (const secret of source.secrets) {
      found.add(secret)
    }
    for (const path of sourceTypes.get(source.type)?.secretOptions ?? []) {
      addStrings(field(source.options, ...path.split('.')), found)
    }
  }
  for (const target of targets) {
    for (const option of target.preset.secretOptions) {
      addStrings(target.options[option], found)
    }
    for (const derived of target.preset.derivedSecrets?.(target.options) ?? []) {
      found.add(derived)
    }
    const url = target.options['url']
    if (typeof url === 'string') {
      for (const value of urlSecretValues(url)) found.add(value)
    }
  }
  found.delete('')
  return [...found]
}

function addStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    into.add(value)
  } else if (Array.isArray(value)) {
    for (const item of value) {
      addStrings(item, into)
    }
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) {
      addStrings(item, into)
    }
  }
}
