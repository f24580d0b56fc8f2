// The URL values of library/urls.go: url() and isURL() accept what Go's net/url ParseRequestURI accepts (an
// absolute URI or an absolute path); the components come from url.Parse. This follows net/url's parse closely
// for the parts the library exposes (scheme, authority and port, path escaping, query), not for every corner of
// host escaping.

export class KubernetesUrl {
  constructor({scheme, host, path, rawPath, rawQuery}) {
    this.scheme = scheme
    this.host = host
    this.path = path
    this.rawPath = rawPath
    this.rawQuery = rawQuery
    Object.freeze(this)
  }

  get hostname() {
    const [hostname] = splitHostPort(this.host)
    return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
  }

  get port() {
    return splitHostPort(this.host)[1]
  }

  get escapedPath() {
    if (this.rawPath !== '' && validEncodedPath(this.rawPath) && unescape(this.rawPath) === this.path) return this.rawPath
    return escapePath(this.path)
  }

  /** url.ParseQuery, as a CEL map(string, list(string)). */
  get query() {
    const result = new Map()
    for (const pair of this.rawQuery.split('&')) {
      if (pair === '' || pair.includes(';')) continue
      const [rawKey, rawValue = ''] = splitOnce(pair, '=')
      const key = tryUnescape(rawKey.replaceAll('+', ' '))
      const value = tryUnescape(rawValue.replaceAll('+', ' '))
      if (key === null || value === null) continue
      if (!result.has(key)) result.set(key, [])
      result.get(key).push(value)
    }
    return result
  }
}

export function isUrl(text) {
  try {
    parse(text, true)
    return true
  } catch {
    return false
  }
}

/** url(): validated as a request URI, then parsed as a URL (which splits off a #fragment). */
export function parseUrl(text) {
  try {
    parse(text, true)
    return new KubernetesUrl(parse(splitOnce(text, '#')[0], false))
  } catch (error) {
    throw new Error(`URL parse error during conversion from string: ${error.message}`)
  }
}

function parse(raw, viaRequest) {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Error('net/url: invalid control character in URL')
  if (raw === '' && viaRequest) throw new Error('empty url')
  if (raw === '*') return {scheme: '', host: '', path: '*', rawPath: '', rawQuery: ''}

  let [scheme, rest] = getScheme(raw)
  scheme = scheme.toLowerCase()
  let rawQuery = ''
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    rest = rest.slice(0, -1)
  } else {
    ;[rest, rawQuery] = splitOnce(rest, '?')
  }

  if (!rest.startsWith('/')) {
    if (scheme !== '') return {scheme, host: '', path: '', rawPath: '', rawQuery}
    if (viaRequest) throw new Error('invalid URI for request')
    if (rest.split('/')[0].includes(':')) throw new Error('first path segment in URL cannot contain colon')
  }

  let host = ''
  if ((scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    let authority = rest.slice(2)
    rest = ''
    const slash = authority.indexOf('/')
    if (slash >= 0) {
      rest = authority.slice(slash)
      authority = authority.slice(0, slash)
    }
    host = parseHost(authority.slice(authority.lastIndexOf('@') + 1))
  }

  const path = unescape(rest)
  return {scheme, host, path, rawPath: escapePath(path) === rest ? '' : rest, rawQuery}
}

function getScheme(raw) {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]
    if (/[a-zA-Z]/.test(c)) continue
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ['', raw]
      continue
    }
    if (c === ':') {
      if (i === 0) throw new Error('missing protocol scheme')
      return [raw.slice(0, i), raw.slice(i + 1)]
    }
    return ['', raw]
  }
  return ['', raw]
}

function parseHost(host) {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']')
    if (close < 0) throw new Error("missing ']' in host")
    if (!validOptionalPort(host.slice(close + 1))) throw new Error(`invalid port "${host.slice(close + 1)}" after host`)
  } else {
    const colon = host.lastIndexOf(':')
    if (colon !== -1 && !validOptionalPort(host.slice(colon))) {
      throw new Error(`invalid port "${host.slice(colon)}" after host`)
    }
  }
  return unescape(host)
}

function validOptionalPort(port) {
  return port === '' || /^:[0-9]*$/.test(port)
}

function splitHostPort(host) {
  const colon = host.lastIndexOf(':')
  if (colon !== -1 && validOptionalPort(host.slice(colon)) && !host.slice(colon).includes(']')) {
    return [host.slice(0, colon), host.slice(colon + 1)]
  }
  return [host, '']
}

function splitOnce(text, separator) {
  const at = text.indexOf(separator)
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)]
}

function unescape(text) {
  const result = tryUnescape(text)
  if (result === null) throw new Error(`invalid URL escape in "${text}"`)
  return result
}

function tryUnescape(text) {
  if (/%(?![0-9a-fA-F]{2})/.test(text)) return null
  try {
    return decodeURIComponent(text.replace(/%(?![0-9a-fA-F]{2})/g, '%25'))
  } catch {
    return Buffer.from(text.replace(/%([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString()
  }
}

// Characters net/url leaves unescaped in a path (shouldEscape with encodePath).
const PATH_SAFE = /[A-Za-z0-9\-_.~$&+,/:;=@!'()*]/

function escapePath(path) {
  let result = ''
  for (const byte of Buffer.from(path, 'utf8')) {
    const c = String.fromCharCode(byte)
    result += byte < 0x80 && PATH_SAFE.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return result
}

function validEncodedPath(raw) {
  return /^(?:[A-Za-z0-9\-_.~$&+,/:;=@!'()*[\]]|%[0-9a-fA-F]{2})*$/.test(raw)
}
