import jsonata from 'jsonata'
import { describe, expect, it } from 'vitest'
import { findUnknownFunctions, JSONATA_FUNCTIONS } from '../../../src/mapping/find-unknown-functions.ts'

describe('findUnknownFunctions', () => {
  it('names a misspelt function with where its $ is and the right spelling', () => {
    const text = '{ "branch": $lowerCase(push.branch) }'
    expect(findUnknownFunctions(text)).toEqual([{ name: 'lowerCase', index: text.indexOf('$'), suggestion: 'lowercase' }])
  })

  it('finds calls through ~> and partial application, without a suggestion for an invented name', () => {
    const text = 'push.branch ~> $slugify'
    expect(findUnknownFunctions(text)).toEqual([{ name: 'slugify', index: text.indexOf('$'), suggestion: null }])
    expect(findUnknownFunctions('$frobnicate(?, 1)').map((u) => u.name)).toEqual(['frobnicate'])
  })

  it('accepts JSONata functions and functions the expression defines itself', () => {
    expect(findUnknownFunctions('$uppercase($substringAfter(push.ref, "refs/heads/")) & $string($now())')).toEqual([])
    expect(findUnknownFunctions('($twice := function($x) { $x * 2 }; $twice(2))')).toEqual([])
    expect(findUnknownFunctions('$map([1, 2], function($v) { $v + 1 })')).toEqual([])
  })

  it('lists only functions the installed JSONata provides', async () => {
    for (const name of JSONATA_FUNCTIONS) {
      expect(await jsonata(`$type($${name})`).evaluate({}), name).toBe('function')
    }
    expect(await jsonata('$type($lowerCase)').evaluate({})).toBeUndefined()
  })
})
