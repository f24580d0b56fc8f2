// The CEL engine as a process: one JSON request per line on stdin, one JSON answer per line on stdout, in order.
// CelEngine.cs starts it and speaks this protocol; it ends when stdin closes.
//
//   {"id":1,"op":"compile","schema":{…},"root":true,"rule":"…","output":"bool"}
//       -> {"id":1,"program":0,"outputType":"bool","usesOldSelf":false} or {"id":1,"error":"ERROR: <input>:1:5: …"}
//       (output: "bool", the default, for a rule; "string" for a messageExpression)
//   {"id":2,"op":"evaluate","program":0,"self":"<JSON text>","oldSelf":"<JSON text>"}
//       -> {"id":2,"value":true} (a string for a messageExpression) or {"id":2,"error":"no such key: x"}
//   {"id":3,"op":"evaluateAll","jobs":[{"programs":[0,1],"self":"<JSON text>","oldSelf":"<JSON text>"},…]}
//       -> {"id":3,"results":[[{"value":true},{"error":"…"}],…]} (every rule due in a written object, in one round trip)
//   anything the host itself cannot handle -> {"id":…,"fault":"…"}
//
// Values travel as JSON text so that int64 numbers keep their digits (json.mjs).

import {createInterface} from 'node:readline'
import {compile, evaluate, evaluateAll} from './compiler.mjs'

// The test process went away mid-answer: nothing is left to answer.
process.stdout.on('error', () => process.exit(0))

const lines = createInterface({input: process.stdin, crlfDelay: Infinity})
for await (const line of lines) {
  if (line.trim() === '') continue
  let id = null
  let answer
  try {
    const request = JSON.parse(line)
    id = request.id
    switch (request.op) {
      case 'compile':
        answer = compile(request.schema, request.root === true, request.rule, request.output ?? 'bool')
        break
      case 'evaluate':
        answer = evaluate(request.program, request.self, request.oldSelf)
        break
      case 'evaluateAll':
        answer = evaluateAll(request.jobs)
        break
      default:
        answer = {fault: `unknown op ${request.op}`}
    }
  } catch (error) {
    answer = {fault: String(error?.stack ?? error)}
  }
  process.stdout.write(`${JSON.stringify({id, ...answer})}\n`)
}
