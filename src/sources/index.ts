import type { SourceType } from './types.ts'

/** Every source type, by name. Adding a type is one new file plus one line here. */
export const sourceTypes: ReadonlyMap<string, SourceType> = new Map<string, SourceType>([])
