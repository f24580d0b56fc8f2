// Compiles a CRD validation rule as the API server does when a CRD is written: parse, resolve every function
// against the Kubernetes declarations, type-check with `self` (and `oldSelf`) typed from the schema at the rule's
// location, and require a bool (a rule) or a string (a rule's messageExpression). A compiled rule is then evaluated
// against values of that schema.

import {Environment} from '@marcbachmann/cel-js'
import {parseJson} from './json.mjs'
import {
  DECLARED_GLOBAL_FUNCTIONS,
  DECLARED_MEMBER_FUNCTIONS,
  REGEX_FUNCTIONS,
  RUNTIME_RENAMES,
  compileRegex,
  declareKubernetesLibraries
} from './kubernetes-library.mjs'
import {declareSchema} from './schema-types.mjs'

const VARIABLES = new Set(['self', 'oldSelf'])

const BASE = declareKubernetesLibraries(new Environment({enableOptionalTypes: true, homogeneousAggregateLiterals: true}))

// duration and date-time fields are converted by the engine's own duration() and timestamp().
const CONVERTER = new Environment().registerVariable('s', 'string')
const CONVERSIONS = {
  duration: (s) => CONVERTER.evaluate('duration(s)', {s}),
  timestamp: (s) => CONVERTER.evaluate('timestamp(s)', {s: /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s})
}

const environments = new Map()
const programs = []

// What each kind of expression must evaluate to, and the API server's words when it does not.
const OUTPUTS = {
  bool: {jsType: 'boolean', wrongType: (type) => `cel expression must evaluate to a bool, got ${type}`},
  string: {jsType: 'string', wrongType: () => 'messageExpression must evaluate to a string'}
}

/**
 * @param {'bool' | 'string'} output bool for a rule, string for a messageExpression
 * @returns {{program: number, outputType: string, usesOldSelf: boolean} | {error: string}}
 */
export function compile(schema, isResourceRoot, rule, output = 'bool') {
  const expected = OUTPUTS[output]
  if (!expected) throw new Error(`unknown output type ${output}`)
  const scope = environmentFor(schema, isResourceRoot)
  if (scope === null) return {error: 'the schema at the rule has no CEL type (an array without items?)'}
  const {env, self} = scope

  let parsed
  try {
    parsed = env.parse(rule)
  } catch (error) {
    return {error: `ERROR: ${position(rule, error)}: Syntax error: ${summary(error)}`}
  }

  const facts = {undeclared: null, wrongForm: null, regexError: null, usesOldSelf: false, renames: []}
  inspect(parsed.ast, rule, facts)
  if (facts.undeclared) {
    return {error: `ERROR: ${position(rule, facts.undeclared.node)}: undeclared reference to '${facts.undeclared.name}' (in container '')`}
  }

  const checked = env.check(rule)
  if (!checked.valid) return {error: `ERROR: ${position(rule, checked.error)}: ${summary(checked.error)}`}
  if (facts.wrongForm) {
    return {error: `ERROR: ${position(rule, facts.wrongForm.node)}: found no matching overload for '${facts.wrongForm.name}'`}
  }
  if (checked.type !== output) return {error: expected.wrongType(checked.type)}
  if (facts.regexError) return {error: `ERROR: ${position(rule, facts.regexError.node)}: invalid regular expression: ${facts.regexError.message}`}

  const runnable = env.parse(rewrite(rule, facts.renames))
  programs.push({run: runnable, convert: self.convert, output: expected.jsType})
  return {program: programs.length - 1, outputType: checked.type, usesOldSelf: facts.usesOldSelf}
}

/** @returns {{value: boolean | string} | {error: string}} */
export function evaluate(programId, selfJson, oldSelfJson) {
  return evaluateAll([{programs: [programId], self: selfJson, oldSelf: oldSelfJson}]).results[0][0]
}

/**
 * Runs several programs on each of several values (the rules due in one written object, node by node): each value
 * is parsed once, and converted once per schema its programs were compiled for.
 * @param {{programs: number[], self: string, oldSelf?: string}[]} jobs
 * @returns {{results: ({value: boolean | string} | {error: string})[][]}}
 */
export function evaluateAll(jobs) {
  return {results: jobs.map((job) => runJob(job.programs, job.self, job.oldSelf))}
}

function runJob(programIds, selfJson, oldSelfJson) {
  const self = parseJson(selfJson)
  const oldSelf = oldSelfJson === undefined || oldSelfJson === null ? undefined : parseJson(oldSelfJson)
  const contexts = new Map()
  return programIds.map((programId) => {
    const program = programs[programId]
    if (!program) throw new Error(`no program ${programId}`)
    try {
      let context = contexts.get(program.convert)
      if (context === undefined) {
        context = {self: program.convert(self)}
        if (oldSelf !== undefined) context.oldSelf = program.convert(oldSelf)
        contexts.set(program.convert, context)
      }
      const value = program.run(context)
      if (typeof value !== program.output) return {error: `evaluated to a ${typeof value}, not a ${program.output}`}
      return {value}
    } catch (error) {
      // cel-go's wording, which the API server puts into the cause: "no such key: x".
      return {error: summary(error).replace(/^No such key:/, 'no such key:')}
    }
  })
}

function environmentFor(schema, isResourceRoot) {
  const key = `${isResourceRoot ? 'root' : 'node'}:${JSON.stringify(schema)}`
  let scope = environments.get(key)
  if (scope === undefined) {
    const env = BASE.clone()
    const self = declareSchema(env, schema, isResourceRoot, CONVERSIONS)
    if (self !== null) env.registerVariable('self', self.type).registerVariable('oldSelf', self.type)
    scope = self === null ? null : {env, self}
    environments.set(key, scope)
  }
  return scope
}

/** Walks the parsed rule: undeclared functions, oldSelf, constant regular expressions and the run-time renames. */
function inspect(node, rule, facts) {
  if (!node || typeof node !== 'object' || typeof node.op !== 'string') return
  const {op, args} = node
  if (op === 'id' && args === 'oldSelf') facts.usesOldSelf = true

  // Arguments and receivers first, as cel-go's checker reports: ip(x).family() is "undeclared reference to 'ip'".
  for (const child of Array.isArray(args) ? args.flat() : []) inspect(child, rule, facts)

  if (op === 'call' || op === 'rcall') {
    const name = args[0]
    const receiver = op === 'rcall' ? args[1] : null
    const callArgs = op === 'rcall' ? args[2] : args[1]
    // `optional.of(…)` parses as a member call on the identifier `optional`: a qualified global function.
    const qualified = receiver?.op === 'id' && !VARIABLES.has(receiver.args) ? `${receiver.args}.${name}` : null
    if (qualified !== null ? !DECLARED_GLOBAL_FUNCTIONS.has(qualified) && !DECLARED_MEMBER_FUNCTIONS.has(name) : !declaredAnyhow(name)) {
      facts.undeclared ??= {name: qualified ?? name, node}
    } else if (qualified === null && !(op === 'call' ? DECLARED_GLOBAL_FUNCTIONS : DECLARED_MEMBER_FUNCTIONS).has(name)) {
      // Declared, but only as a global function or only as a member (sign(q) is global): no overload matches.
      facts.wrongForm ??= {name, node}
    }

    if (REGEX_FUNCTIONS.has(name)) {
      const pattern = op === 'rcall' ? callArgs[0] : callArgs[1]
      if (pattern?.op === 'value' && typeof pattern.args === 'string' && facts.regexError === null) {
        try {
          compileRegex(pattern.args)
        } catch (error) {
          facts.regexError = {node: pattern, message: error.message}
        }
      }
    }

    if (RUNTIME_RENAMES.has(name) && qualified === null) facts.renames.push(namePosition(node, receiver, name, rule))
  }
}

function declaredAnyhow(name) {
  return DECLARED_GLOBAL_FUNCTIONS.has(name) || DECLARED_MEMBER_FUNCTIONS.has(name)
}

/** Where the function name of a call starts in the rule's text. */
function namePosition(node, receiver, name, rule) {
  if (receiver === null) return {start: node.range.start, name}
  const after = rule.slice(receiver.range.end)
  const match = /^\s*\)*\s*\.\s*/.exec(after)
  return {start: receiver.range.end + (match ? match[0].length : 0), name}
}

function rewrite(rule, renames) {
  let text = rule
  for (const {start, name} of [...renames].sort((a, b) => b.start - a.start)) {
    if (text.slice(start, start + name.length) !== name) throw new Error(`cannot locate ${name} at ${start} in: ${rule}`)
    text = text.slice(0, start) + RUNTIME_RENAMES.get(name) + text.slice(start + name.length)
  }
  return text
}

/** cel-go reports line:column (1-based); the engine gives an offset. */
function position(rule, located) {
  const offset = located?.range?.start ?? located?.node?.range?.start ?? 0
  const before = rule.slice(0, offset)
  const line = before.split('\n').length
  const column = offset - before.lastIndexOf('\n')
  return `<input>:${line}:${column}`
}

function summary(error) {
  return String(error?.message ?? error).split('\n')[0]
}
