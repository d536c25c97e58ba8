import { expect } from 'vitest'
import { MappingError } from '../../../src/errors.ts'

/** Asserts that `build` fails the delivery permanently with a message containing `fragment`. */
export function expectMappingError(build: () => unknown, fragment: string): void {
  let caught: unknown
  try {
    build()
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(MappingError)
  expect(caught).toHaveProperty('code', 'MAPPING_INVALID')
  expect((caught as MappingError).message).toContain(fragment)
}
