// JSON with numbers kept as their text: JSON.parse turns 9007199254740993 into a double, while Kubernetes decodes
// an integer as int64. The schema decides later whether a number is a CEL int (BigInt) or double.

export class JsonNumber {
  constructor(text) {
    this.text = text
  }

  get isInteger() {
    return !/[.eE]/.test(this.text)
  }
}

export function parseJson(text) {
  const parser = new Parser(text)
  parser.space()
  const value = parser.value()
  parser.space()
  if (parser.pos !== text.length) parser.fail('trailing characters')
  return value
}

/** A JSON value (from parseJson, with JsonNumber leaves) back to plain JSON-compatible JS: numbers as Number. */
export function toPlain(value) {
  if (value instanceof JsonNumber) return Number(value.text)
  if (Array.isArray(value)) return value.map(toPlain)
  if (value !== null && typeof value === 'object') {
    const result = {}
    for (const [key, item] of Object.entries(value)) result[key] = toPlain(item)
    return result
  }
  return value
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y

class Parser {
  constructor(text) {
    this.text = text
    this.pos = 0
  }

  fail(what) {
    throw new SyntaxError(`invalid JSON at ${this.pos}: ${what}`)
  }

  space() {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos])) this.pos++
  }

  value() {
    const c = this.text[this.pos]
    if (c === '{') return this.object()
    if (c === '[') return this.array()
    if (c === '"') return this.string()
    for (const [word, result] of [['true', true], ['false', false], ['null', null]]) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length
        return result
      }
    }
    NUMBER.lastIndex = this.pos
    const match = NUMBER.exec(this.text)
    if (!match) this.fail('unexpected character')
    this.pos += match[0].length
    return new JsonNumber(match[0])
  }

  object() {
    const result = Object.create(null)
    this.pos++
    this.space()
    if (this.text[this.pos] === '}') {
      this.pos++
      return result
    }
    for (;;) {
      this.space()
      if (this.text[this.pos] !== '"') this.fail('expected a key')
      const key = this.string()
      this.space()
      if (this.text[this.pos++] !== ':') this.fail("expected ':'")
      this.space()
      result[key] = this.value()
      this.space()
      const c = this.text[this.pos++]
      if (c === '}') return result
      if (c !== ',') this.fail("expected ',' or '}'")
    }
  }

  array() {
    const result = []
    this.pos++
    this.space()
    if (this.text[this.pos] === ']') {
      this.pos++
      return result
    }
    for (;;) {
      this.space()
      result.push(this.value())
      this.space()
      const c = this.text[this.pos++]
      if (c === ']') return result
      if (c !== ',') this.fail("expected ',' or ']'")
    }
  }

  string() {
    // The string grammar is JSON.parse's own: find the closing quote, then let it decode the escapes.
    let end = this.pos + 1
    while (end < this.text.length && this.text[end] !== '"') end += this.text[end] === '\\' ? 2 : 1
    if (end >= this.text.length) this.fail('unterminated string')
    const result = JSON.parse(this.text.slice(this.pos, end + 1))
    this.pos = end + 1
    return result
  }
}
