// The CEL type of `self` at a rule's location, derived from the structural schema there as the API server derives
// it (k8s.io/apiserver/pkg/cel/common/schemas.go SchemaDeclType), and the conversion of a JSON value to the runtime
// values the engine expects for that type.
//
//   x-kubernetes-int-or-string      dyn (an int or a string at run time)
//   integer / number / boolean      int / double / bool
//   string                          string; format byte, duration, date and date-time: bytes, duration, timestamp
//   array with items                list(items)
//   object with additionalProperties  map(string, value)
//   object otherwise                an object type with one field per property (no field for an unknown one, so
//                                   x-kubernetes-preserve-unknown-fields adds nothing a rule can reach)
//   the resource root (and an x-kubernetes-embedded-resource)  also apiVersion, kind and metadata.{name,generateName}
//
// A property name is escaped as Kubernetes escapes it (foo-bar is foo__dash__bar); one that cannot be escaped gets
// no field. A schema the server gives no type (an array without items) gets no field either.

import {JsonNumber} from './json.mjs'

const RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import',
  'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while'
])

/** apiserver/pkg/cel Escape: the CEL field name of a property, or null when it has none. */
export function escapeFieldName(name) {
  if (name.length === 0 || (name[0] >= '0' && name[0] <= '9')) return null
  if (RESERVED.has(name)) return `__${name}__`
  let ok = true
  const escaped = name.replace(/__|[-./]|[^a-zA-Z0-9\-./_]/g, (s) => {
    switch (s) {
      case '__': return '__underscores__'
      case '.': return '__dot__'
      case '-': return '__dash__'
      case '/': return '__slash__'
      default:
        ok = false
        return ''
    }
  })
  return ok ? escaped : null
}

const STRING = {type: 'string'}

/** Structural.WithTypeAndObjectMeta: what a rule at a resource root can always read. */
function withTypeAndObjectMeta(schema) {
  if (!schema.properties) return schema
  return {
    ...schema,
    properties: {
      ...schema.properties,
      apiVersion: STRING,
      kind: STRING,
      metadata: {type: 'object', properties: {name: STRING, generateName: STRING}}
    }
  }
}

/**
 * Declares the types of `schema` in `env` (a fresh Environment clone) and returns the type of `self` and the
 * conversion of a parsed JSON value (json.mjs) to a runtime value of that type; null when the server would give
 * the schema no type. `conversions` turns duration and timestamp strings into the engine's values.
 */
export function declareSchema(env, schema, isResourceRoot, conversions) {
  // Object types are named after their path from the rule's location: Object, Object.spec, Object.env.__items.
  return declare(env, schema, isResourceRoot, 'Object', conversions)
}

function declare(env, schema, isResourceRoot, name, conversions) {
  if (schema['x-kubernetes-int-or-string'] === true) return {type: 'dyn', convert: convertDyn}
  if (isResourceRoot || schema['x-kubernetes-embedded-resource'] === true) schema = withTypeAndObjectMeta(schema)

  switch (schema.type) {
    case 'array': {
      if (!schema.items) return null
      const items = declare(env, schema.items, false, `${name}.__items`, conversions)
      if (!items) return null
      return {type: `list<${items.type}>`, convert: (v) => (Array.isArray(v) ? v.map(items.convert) : mismatch(v, 'array'))}
    }
    case 'object': {
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        const values = declare(env, schema.additionalProperties, false, `${name}.__values`, conversions)
        if (!values) return null
        return {
          type: `map<string, ${values.type}>`,
          convert: (v) => new Map(entries(v).map(([key, item]) => [key, values.convert(item)]))
        }
      }
      return declareObject(env, schema, name, conversions)
    }
    case 'string':
      switch (schema.format) {
        case 'byte': return {type: 'bytes', convert: (v) => Uint8Array.from(Buffer.from(expectString(v), 'base64'))}
        case 'duration': return {type: 'google.protobuf.Duration', convert: (v) => conversions.duration(expectString(v))}
        case 'date':
        case 'date-time': return {type: 'google.protobuf.Timestamp', convert: (v) => conversions.timestamp(expectString(v))}
        default: return {type: 'string', convert: expectString}
      }
    case 'boolean': return {type: 'bool', convert: (v) => (typeof v === 'boolean' ? v : mismatch(v, 'boolean'))}
    case 'number': return {type: 'double', convert: (v) => (v instanceof JsonNumber ? Number(v.text) : mismatch(v, 'number'))}
    case 'integer':
      return {type: 'int', convert: (v) => (v instanceof JsonNumber && v.isInteger ? BigInt(v.text) : mismatch(v, 'integer'))}
    default:
      return null
  }
}

function declareObject(env, schema, name, conversions) {
  const fields = {}
  const converters = new Map()
  for (const [property, propertySchema] of Object.entries(schema.properties ?? {})) {
    const field = escapeFieldName(property)
    if (field === null) continue
    const declared = declare(env, propertySchema, false, `${name}.${field}`, conversions)
    if (!declared) continue
    fields[field] = declared.type
    converters.set(property, [field, declared.convert])
  }

  // One class per object type: the engine tells types apart by constructor.
  const ctor = {[name]: class {}}[name]
  env.registerType(name, {ctor, fields})
  // CEL's _==_ is (A, A) -> bool for every type A, objects included: Kubernetes compares two values of an object type
  // field by field (self == oldSelf on a whole spec is the documented immutability rule). The engine declares it for
  // its own types only, so each object type gets it here (and != with it).
  env.registerOperator(`${name} == ${name}`, (a, b) => celEquals(a, b))
  return {
    type: name,
    convert: (v) => {
      const instance = new ctor()
      for (const [property, item] of entries(v)) {
        const converter = converters.get(property)
        if (converter) instance[converter[0]] = converter[1](item)
      }
      return instance
    }
  }
}

/**
 * CEL equality of two runtime values of one declared type: objects by their set fields (a field set on one side only
 * makes them differ), maps by their keys, lists element by element in order, numbers across int and double by value.
 * TODO(#17): Kubernetes compares lists of x-kubernetes-list-type set and map without regard to order; no rule in
 * deploy/crds compares such a list yet.
 */
export function celEquals(a, b) {
  if (a === b) return true
  if (typeof a === 'bigint' || typeof a === 'number') {
    // eslint-disable-next-line eqeqeq
    return (typeof b === 'bigint' || typeof b === 'number') && a == b
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => celEquals(item, b[i]))
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false
    for (const [key, value] of a) if (!b.has(key) || !celEquals(value, b.get(key))) return false
    return true
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((byte, i) => byte === b[i])
  }
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  if (a.constructor !== b.constructor) return false
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((key) => Object.hasOwn(b, key) && celEquals(a[key], b[key]))
}

/** A value of type dyn: JSON integers are ints, other numbers doubles, objects maps. */
export function convertDyn(v) {
  if (v instanceof JsonNumber) return v.isInteger ? BigInt(v.text) : Number(v.text)
  if (Array.isArray(v)) return v.map(convertDyn)
  if (v !== null && typeof v === 'object') return new Map(entries(v).map(([key, item]) => [key, convertDyn(item)]))
  return v
}

function entries(v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof JsonNumber) mismatch(v, 'object')
  return Object.entries(v)
}

function expectString(v) {
  return typeof v === 'string' ? v : mismatch(v, 'string')
}

function mismatch(v, expected) {
  const got = v instanceof JsonNumber ? 'number' : Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v
  throw new TypeError(`value does not match the schema: expected ${expected}, got ${got}`)
}
