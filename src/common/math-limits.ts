/**
 * Argument limits of the compiled math functions, shared by the code generator
 * and the reference interpreter so that both define the same function.
 */

/**
 * sin and cos are defined for |x| <= SIN_COS_LIMIT (2 ULP up to 51471, 1e-6
 * absolute beyond); larger |x| give NaN. Compiled code reduces the argument with
 * a 4-part Cody–Waite split of π/2 that stays exact only while |x·2/π| < 2^16:
 * a NaN is loud where a silently wrong value would not be. See docs/math.md.
 */
export const SIN_COS_LIMIT = 102942;
