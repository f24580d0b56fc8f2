// The CEL environment a Kubernetes API server compiles a new CRD validation rule in, for every server this
// project supports (1.29 and later).
//
// A server compiles rules it has not stored before in the environment of its compatibility version, one minor
// below its own (apiserver/pkg/cel/environment/base.go, NewExpressionsEnv): a 1.29 server compiles new rules as
// 1.28 did. So the declarations here are base.go's up to 1.28, which every later server also has:
//   cel-go's standard library, HomogeneousAggregateLiterals, CrossTypeNumericComparisons, OptionalTypes;
//   k8s.io/apiserver/pkg/cel/library URLs, Regex, Lists and Quantity (library/{urls,regex,lists,quantity}.go);
//   cel-go ext.Strings(ext.StringsVersion(0)).
// Not here, because a 1.29 server refuses them in a new rule: ext.Sets, ext.Strings version 2 (1.29), IP and CIDR
// (1.30), Format (1.31), two-variable comprehensions (1.32), cel.bind. The Authz library is in base.go but only
// reachable through an `authorizer` variable, which CRD rules do not have.
//
// Each overload below copies its Kubernetes declaration (name, receiver or not, argument and result types). Note
// quantity's `sign`: a global function, sign(<Quantity>), not a member — `quantity(x).sign()` does not compile.

import {Environment} from '@marcbachmann/cel-js'
import {RE2JS} from 're2js'
import {Quantity, QuantityError, isQuantity, parseQuantity} from './quantity.mjs'
import {KubernetesUrl, isUrl, parseUrl} from './url.mjs'

const QUANTITY = 'kubernetes.Quantity'
const URL = 'kubernetes.URL'
const DURATION = 'google.protobuf.Duration'
const TIMESTAMP = 'google.protobuf.Timestamp'

// The engine's own zero values, for sums of empty lists (its uint and duration classes are not exported).
const ZERO = new Environment()
const ZERO_UINT = ZERO.evaluate('0u')
const ZERO_DURATION = ZERO.evaluate("duration('0s')")

/**
 * Functions a rule may call, by name: cel-go's standard declarations and the libraries above. The engine has a
 * few functions of its own beyond CEL's (bytes.hex(), cel.bind, …); a rule naming anything not listed here is
 * refused as the API server refuses an undeclared reference.
 */
export const DECLARED_GLOBAL_FUNCTIONS = new Set([
  // standard: conversions, size, matches, the macro has()
  'bool', 'bytes', 'double', 'duration', 'dyn', 'int', 'string', 'timestamp', 'type', 'uint', 'size', 'matches', 'has',
  // OptionalTypes
  'optional.of', 'optional.ofNonZeroValue', 'optional.none',
  // library: urls, quantity
  'url', 'isURL', 'quantity', 'isQuantity', 'sign'
])

export const DECLARED_MEMBER_FUNCTIONS = new Set([
  // standard: macros, strings, size, timestamps and durations
  'all', 'exists', 'exists_one', 'map', 'filter',
  'contains', 'endsWith', 'startsWith', 'matches', 'size',
  'getDate', 'getDayOfMonth', 'getDayOfWeek', 'getDayOfYear', 'getFullYear', 'getHours', 'getMilliseconds',
  'getMinutes', 'getMonth', 'getSeconds',
  // OptionalTypes
  'hasValue', 'value', 'or', 'orValue',
  // ext.Strings version 0
  'charAt', 'indexOf', 'join', 'lastIndexOf', 'lowerAscii', 'replace', 'split', 'substring', 'trim', 'upperAscii',
  // library: lists
  'isSorted', 'sum', 'min', 'max',
  // library: regex
  'find', 'findAll',
  // library: urls
  'getScheme', 'getHost', 'getHostname', 'getPort', 'getEscapedPath', 'getQuery',
  // library: quantity
  'isGreaterThan', 'isLessThan', 'compareTo', 'asApproximateFloat', 'asInteger', 'isInteger', 'add', 'sub'
])

/**
 * Calls evaluated under another name: where the engine's own function differs from Go's at run time (its
 * matches() is a JavaScript RegExp, RE2 is Go's; its lowerAscii/upperAscii change non-ASCII letters too), the
 * compiled rule calls these instead. Type-checking always sees the rule as written.
 */
export const RUNTIME_RENAMES = new Map([
  ['matches', '__re2_matches'],
  ['lowerAscii', '__ascii_lower'],
  ['upperAscii', '__ascii_upper']
])

/** Functions whose second argument (the first of a member call) is a regular expression, checked as RE2. */
export const REGEX_FUNCTIONS = new Set(['matches', 'find', 'findAll'])

// Compiled patterns by text: a rule's pattern is a constant, and compiling it costs more than most rules' whole run.
// Bounded for patterns built at run time.
const REGEX_CACHE_LIMIT = 1000
const compiledPatterns = new Map()

export function compileRegex(pattern) {
  let compiled = compiledPatterns.get(pattern)
  if (compiled === undefined) {
    compiled = RE2JS.compile(pattern)
    if (compiledPatterns.size >= REGEX_CACHE_LIMIT) compiledPatterns.clear()
    compiledPatterns.set(pattern, compiled)
  }
  return compiled
}

export function declareKubernetesLibraries(env) {
  env.registerType(QUANTITY, Quantity)
  env.registerType(URL, KubernetesUrl)
  const fn = (signature, handler) => env.registerFunction(signature, handler)

  // cel-go's standard global matches(string, string), which the engine lacks.
  fn('matches(string, string): bool', re2Matches)

  // ext.Strings version 0: the engine has charAt and replace missing.
  fn('string.charAt(int): string', (s, i) => charAt(s, i))
  fn('string.replace(string, string): string', (s, from, to) => s.split(from).join(to))
  fn('string.replace(string, string, int): string', (s, from, to, n) => replaceN(s, from, to, n))

  // library/quantity.go
  fn(`quantity(string): ${QUANTITY}`, (s) => wrapQuantityError(() => parseQuantity(s)))
  fn('isQuantity(string): bool', isQuantity)
  fn(`sign(${QUANTITY}): int`, (q) => BigInt(q.sign()))
  fn(`${QUANTITY}.isGreaterThan(${QUANTITY}): bool`, (a, b) => a.compareTo(b) === 1)
  fn(`${QUANTITY}.isLessThan(${QUANTITY}): bool`, (a, b) => a.compareTo(b) === -1)
  fn(`${QUANTITY}.compareTo(${QUANTITY}): int`, (a, b) => BigInt(a.compareTo(b)))
  fn(`${QUANTITY}.asApproximateFloat(): double`, (q) => q.asApproximateFloat())
  fn(`${QUANTITY}.asInteger(): int`, (q) => {
    const value = q.asInt64()
    if (value === null) throw new Error('cannot convert value to integer')
    return value
  })
  fn(`${QUANTITY}.isInteger(): bool`, (q) => q.asInt64() !== null)
  fn(`${QUANTITY}.add(${QUANTITY}): ${QUANTITY}`, (a, b) => a.add(b))
  fn(`${QUANTITY}.add(int): ${QUANTITY}`, (a, b) => a.add(Quantity.fromInt(b)))
  fn(`${QUANTITY}.sub(${QUANTITY}): ${QUANTITY}`, (a, b) => a.sub(b))
  fn(`${QUANTITY}.sub(int): ${QUANTITY}`, (a, b) => a.sub(Quantity.fromInt(b)))
  // apiserver/pkg/cel Quantity.Equal: equal values, whatever the notation (the engine derives != from ==).
  env.registerOperator(`${QUANTITY} == ${QUANTITY}`, (a, b) => a.compareTo(b) === 0)

  // library/urls.go
  fn(`url(string): ${URL}`, parseUrl)
  fn('isURL(string): bool', isUrl)
  fn(`${URL}.getScheme(): string`, (u) => u.scheme)
  fn(`${URL}.getHost(): string`, (u) => u.host)
  fn(`${URL}.getHostname(): string`, (u) => u.hostname)
  fn(`${URL}.getPort(): string`, (u) => u.port)
  fn(`${URL}.getEscapedPath(): string`, (u) => u.escapedPath)
  fn(`${URL}.getQuery(): map<string, list<string>>`, (u) => u.query)

  // library/regex.go
  fn('string.find(string): string', (s, re) => findAll(s, re, 1)[0] ?? '')
  fn('string.findAll(string): list<string>', (s, re) => findAll(s, re, -1))
  fn('string.findAll(string, int): list<string>', (s, re, n) => findAll(s, re, Number(n)))

  // library/lists.go: isSorted, min and max for each comparable type, sum for each summable one, indexOf and
  // lastIndexOf for any element type.
  for (const t of ['int', 'uint', 'double', 'bool', DURATION, TIMESTAMP, 'string', 'bytes']) {
    fn(`list<${t}>.isSorted(): bool`, (list) => list.every((item, i) => i === 0 || compare(list[i - 1], item) <= 0))
    fn(`list<${t}>.min(): ${t}`, (list) => extreme(list, 'min', (c) => c < 0))
    fn(`list<${t}>.max(): ${t}`, (list) => extreme(list, 'max', (c) => c > 0))
  }
  fn('list<int>.sum(): int', (list) => list.reduce((a, b) => a + b, 0n))
  fn('list<uint>.sum(): uint', (list) => list.reduce((a, b) => new ZERO_UINT.constructor(a.valueOf() + b.valueOf()), ZERO_UINT))
  fn('list<double>.sum(): double', (list) => list.reduce((a, b) => a + b, 0))
  fn(`list<${DURATION}>.sum(): ${DURATION}`, (list) => list.reduce((a, b) => a.addDuration(b), ZERO_DURATION))
  fn('list<A>.indexOf(A): int', (list, item) => BigInt(list.findIndex((x) => equal(x, item))))
  fn('list<A>.lastIndexOf(A): int', (list, item) => BigInt(list.findLastIndex((x) => equal(x, item))))

  // Run-time stand-ins (RUNTIME_RENAMES).
  fn('string.__re2_matches(string): bool', re2Matches)
  fn('__re2_matches(string, string): bool', re2Matches)
  fn('string.__ascii_lower(): string', (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase()))
  fn('string.__ascii_upper(): string', (s) => s.replace(/[a-z]/g, (c) => c.toUpperCase()))
  return env
}

function re2Matches(s, pattern) {
  return compileRegex(pattern).matcher(s).find()
}

/** Go's regexp FindAllString: successive non-overlapping matches; an empty match next to the previous one is skipped. */
function findAll(s, pattern, limit) {
  const re = compileRegex(pattern)
  const results = []
  let pos = 0
  let previousEnd = -1
  while ((limit < 0 || results.length < limit) && pos <= s.length) {
    const matcher = re.matcher(s)
    if (!matcher.find(pos)) break
    const start = matcher.start()
    const end = matcher.end()
    let accept = true
    if (end === pos) {
      if (start === previousEnd) accept = false
      pos += pos < s.length ? String.fromCodePoint(s.codePointAt(pos)).length : 1
    } else {
      pos = end
    }
    previousEnd = end
    if (accept) results.push(s.slice(start, end))
  }
  return results
}

function charAt(s, index) {
  const runes = Array.from(s)
  const i = Number(index)
  if (i < 0 || i > runes.length) throw new Error(`index out of range: ${index}`)
  return i === runes.length ? '' : runes[i]
}

function replaceN(s, from, to, n) {
  if (n < 0n) return s.split(from).join(to)
  let result = s
  let start = 0
  for (let i = 0n; i < n; i++) {
    const at = result.indexOf(from, start)
    if (at < 0 || (from === '' && at > result.length)) break
    result = result.slice(0, at) + to + result.slice(at + from.length)
    start = at + to.length + (from === '' ? 1 : 0)
  }
  return result
}

function wrapQuantityError(parse) {
  try {
    return parse()
  } catch (error) {
    if (error instanceof QuantityError) throw new Error(error.message)
    throw error
  }
}

function compare(a, b) {
  if (a instanceof Uint8Array) return Buffer.compare(Buffer.from(a), Buffer.from(b))
  const x = a instanceof Date || typeof a === 'object' ? a.valueOf() : a
  const y = b instanceof Date || typeof b === 'object' ? b.valueOf() : b
  return x < y ? -1 : x > y ? 1 : 0
}

function extreme(list, name, better) {
  if (list.length === 0) throw new Error(`${name} called on empty list`)
  return list.reduce((best, item) => (better(compare(item, best)) ? item : best))
}

function equal(a, b) {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0
  if (a instanceof Quantity && b instanceof Quantity) return a.compareTo(b) === 0
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return a.valueOf() === b.valueOf()
  return a === b
}
