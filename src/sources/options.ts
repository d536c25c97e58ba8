import * as z from 'zod'

/** `verify: none` is the only way to run a source without a secret; every type accepts it. */
export const verifyOption = z.literal('none').optional().describe('none: accept requests without a secret (unauthenticated)')

/** Options of the types that have nothing else to configure; unknown keys are reported. */
export const baseOptionsSchema = z.object({ verify: verifyOption }).strict()
