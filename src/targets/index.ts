import type { TargetPreset } from './types.ts'

/** Every target preset, by name. Adding a preset is one new file plus one line here. */
export const targetPresets: ReadonlyMap<string, TargetPreset> = new Map<string, TargetPreset>([])
