// Kubernetes resource.Quantity as the CEL quantity library sees it: k8s.io/apimachinery/pkg/api/resource
// ParseQuantity, Cmp, Sign, Add, Sub, AsInt64 and AsApproximateFloat64, with exact decimal arithmetic.
//
// A value is unscaled × 10^exp (BigInt × power of ten). Go keeps a parsed quantity either as an int64 amount
// (the fast path) or as an inf.Dec; the two give the same numbers, but only the int64 form answers AsInt64, so
// isInteger()/asInteger() depend on which path parsing took: `fast` records it, as Go decides it.

const MAX_INT64 = (1n << 63n) - 1n
const MIN_INT64 = -(1n << 63n)
const NANO = -9

// Suffixes as quantitySuffixer.interpret reads them: [base, exponent, format].
const SUFFIXES = new Map([
  ['', [10, 0, 'DecimalSI']],
  ['n', [10, -9, 'DecimalSI']],
  ['u', [10, -6, 'DecimalSI']],
  ['m', [10, -3, 'DecimalSI']],
  ['k', [10, 3, 'DecimalSI']],
  ['M', [10, 6, 'DecimalSI']],
  ['G', [10, 9, 'DecimalSI']],
  ['T', [10, 12, 'DecimalSI']],
  ['P', [10, 15, 'DecimalSI']],
  ['E', [10, 18, 'DecimalSI']],
  ['Ki', [2, 10, 'BinarySI']],
  ['Mi', [2, 20, 'BinarySI']],
  ['Gi', [2, 30, 'BinarySI']],
  ['Ti', [2, 40, 'BinarySI']],
  ['Pi', [2, 50, 'BinarySI']],
  ['Ei', [2, 60, 'BinarySI']]
])

// Differences of decimal exponents beyond this are refused instead of building a huge BigInt (Go would compute
// them; no rule of ours comes near it).
const MAX_EXPONENT_SPREAD = 100_000

export class QuantityError extends Error {}

export class Quantity {
  /** @param {bigint} unscaled @param {number} exp @param {{value: bigint, scale: number} | null} fast */
  constructor(unscaled, exp, fast) {
    this.unscaled = unscaled
    this.exp = exp
    this.fast = fast
    Object.freeze(this)
  }

  sign() {
    return this.unscaled > 0n ? 1 : this.unscaled < 0n ? -1 : 0
  }

  compareTo(other) {
    const a = this.sign()
    const b = other.sign()
    if (a !== b) return a < b ? -1 : 1
    if (a === 0) return 0
    // Same sign: compare the position of the leading digit first, so exponents far apart never meet in a BigInt.
    const magnitudeA = digits(this.unscaled) + this.exp
    const magnitudeB = digits(other.unscaled) + other.exp
    if (magnitudeA !== magnitudeB) return (magnitudeA > magnitudeB ? 1 : -1) * a
    const [x, y] = align(this, other)
    return x === y ? 0 : x > y ? 1 : -1
  }

  add(other) {
    const [x, y, exp] = align(this, other)
    return new Quantity(x + y, exp, addInt64(this.fast, other.fast))
  }

  sub(other) {
    const [x, y, exp] = align(this, other)
    const negated = other.fast === null ? null : {value: -other.fast.value, scale: other.fast.scale}
    return new Quantity(x - y, exp, addInt64(this.fast, negated))
  }

  /** Go's AsInt64: only the int64 form converts, and only without a fraction. */
  asInt64() {
    if (this.fast === null) return null
    const {value, scale} = this.fast
    if (scale === 0) return value
    if (scale < 0) return null
    const result = value * 10n ** BigInt(scale)
    return result > MAX_INT64 || result < MIN_INT64 ? null : result
  }

  asApproximateFloat() {
    return Number.parseFloat(`${this.unscaled}e${this.exp}`)
  }

  static fromInt(value) {
    return new Quantity(value, 0, {value, scale: 0})
  }
}

/** resource.ParseQuantity: the Quantity, or a QuantityError with Go's message. */
export function parseQuantity(text) {
  if (text.length === 0) throw new QuantityError(FORMAT_WRONG)
  if (text === '0') return new Quantity(0n, 0, {value: 0n, scale: 0})

  const {positive, value, num, denom, suffix} = scan(text)
  const interpreted = interpretSuffix(suffix)
  if (interpreted === null) throw new QuantityError("unable to parse quantity's suffix")
  const [base, exponent, format] = interpreted

  // The int64 fast path, with Go's precision estimate deciding whether it is taken.
  let precision = 0
  let scale = 0
  let mantissa = 1n
  if (format === 'BinarySI') {
    if (exponent >= 0 && denom.length === 0) {
      mantissa = 1n << BigInt(exponent)
      precision = 15 - num.length - Math.trunc(Math.fround(exponent) * 3 / 10) - 1
    } else {
      precision = -1
    }
  } else {
    scale = exponent
    precision = 18 - (num.length + denom.length)
  }

  if (precision >= 0) {
    scale -= denom.length
    if (scale >= NANO) {
      const shifted = BigInt(num + denom)
      const product = shifted * mantissa
      if (shifted <= MAX_INT64 && product <= MAX_INT64) {
        const signed = positive ? product : -product
        return new Quantity(signed, scale, {value: signed, scale})
      }
    }
  }

  // The inf.Dec path: exact value, magnitude rounded up to nano, binary values capped at the int64 maximum.
  const [intPart, fraction = ''] = value.replace(/^[+-]/, '').split('.')
  let unscaled = BigInt((intPart || '0') + fraction)
  let exp = -fraction.length
  if (base === 10) {
    exp += exponent
  } else {
    unscaled *= 1n << BigInt(exponent)
  }

  if (unscaled !== 0n && exp < NANO) {
    if (digits(unscaled) + exp < NANO) {
      unscaled = 1n
    } else {
      const divisor = 10n ** BigInt(NANO - exp)
      unscaled = (unscaled + divisor - 1n) / divisor
    }
    exp = NANO
  }

  if (format === 'BinarySI' && new Quantity(unscaled, exp, null).compareTo(Quantity.fromInt(MAX_INT64)) > 0) {
    unscaled = MAX_INT64
    exp = 0
  }

  return new Quantity(positive ? unscaled : -unscaled, exp, null)
}

export function isQuantity(text) {
  try {
    parseQuantity(text)
    return true
  } catch (error) {
    if (error instanceof QuantityError) return false
    throw error
  }
}

const FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

/** parseQuantityString: sign, digits, an optional fraction, then the suffix characters. */
function scan(text) {
  let positive = true
  let pos = 0
  const end = text.length
  if (text[0] === '-') {
    positive = false
    pos++
  } else if (text[0] === '+') {
    pos++
  }

  while (pos < end && text[pos] === '0') pos++
  if (pos >= end) return {positive, value: '0', num: '0', denom: '', suffix: ''}

  let start = pos
  while (pos < end && isDigit(text[pos])) pos++
  let num = text.slice(start, pos)
  if (pos >= end) return {positive, value: text, num, denom: '', suffix: ''}
  if (num.length === 0) num = '0'

  let denom = ''
  if (text[pos] === '.') {
    pos++
    start = pos
    while (pos < end && isDigit(text[pos])) pos++
    denom = text.slice(start, pos)
    if (pos >= end) return {positive, value: text, num, denom, suffix: ''}
  }

  const value = text.slice(0, pos)
  const suffixStart = pos
  while (pos < end && 'eEinumkKMGTP'.includes(text[pos])) pos++
  if (pos < end && (text[pos] === '-' || text[pos] === '+')) pos++
  while (pos < end && isDigit(text[pos])) pos++
  if (pos < end) throw new QuantityError(FORMAT_WRONG)
  return {positive, value, num, denom, suffix: text.slice(suffixStart)}
}

function interpretSuffix(suffix) {
  const known = SUFFIXES.get(suffix)
  if (known) return known
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    // strconv.ParseInt(…, 10, 64), then Go's int32 conversion.
    const digitsText = suffix.slice(1)
    if (!/^[+-]?[0-9]+$/.test(digitsText)) return null
    const parsed = BigInt(digitsText)
    if (parsed > MAX_INT64 || parsed < MIN_INT64) return null
    return [10, Number(BigInt.asIntN(32, parsed)), 'DecimalExponent']
  }
  return null
}

/** int64Amount.Add: the sum stays in int64 form when both are and nothing overflows. */
function addInt64(a, b) {
  if (a === null || b === null) return null
  if (b.value === 0n) return a
  if (a.value === 0n) return b
  const scale = Math.min(a.scale, b.scale)
  const x = a.value * 10n ** BigInt(a.scale - scale)
  const y = b.value * 10n ** BigInt(b.scale - scale)
  const sum = x + y
  return [x, y, sum].some((v) => v > MAX_INT64 || v < MIN_INT64) ? null : {value: sum, scale}
}

function align(a, b) {
  const exp = Math.min(a.exp, b.exp)
  if (Math.max(a.exp, b.exp) - exp > MAX_EXPONENT_SPREAD) {
    throw new Error('quantities too far apart in magnitude for this engine')
  }
  return [a.unscaled * 10n ** BigInt(a.exp - exp), b.unscaled * 10n ** BigInt(b.exp - exp), exp]
}

function digits(value) {
  return value === 0n ? 0 : (value < 0n ? -value : value).toString().length
}

function isDigit(c) {
  return c >= '0' && c <= '9'
}
