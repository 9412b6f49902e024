// Validates CSAF 2.0 documents with the BSI reference validator library
// (@secvisogram/csaf-validator-lib): the strict schema, every mandatory test (6.1) and the
// optional tests (6.2) that apply to what tocsin writes. Prints one JSON verdict:
//   {"files": [{"file": ..., "valid": bool, "errors": [...], "warnings": [...]}], "valid": bool}
// and exits 0 when every file is valid, 1 otherwise. A file is valid when no test gives
// an error and no optional test gives a warning.
//
// Usage: node tests/csaf/validate.mjs [--skip-optional 6.2.16,...] <file.json>...
import fs from 'node:fs'
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js'
import * as optional from '@secvisogram/csaf-validator-lib/optionalTests.js'
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js'

const args = process.argv.slice(2)
let skip = []
const files = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--skip-optional') {
    skip = (args[++i] ?? '').split(',').filter(Boolean)
  } else {
    files.push(args[i])
  }
}

// 6.2.x -> optionalTest_6_2_x
const skipped = new Set(skip.map((s) => 'optionalTest_' + s.replaceAll('.', '_')))
const optionalTests = Object.entries(optional)
  .filter(([name]) => !skipped.has(name))
  .map(([, t]) => t)
const tests = [csaf_2_0_strict, ...Object.values(mandatory), ...optionalTests]

const out = []
for (const file of files) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'))
  const result = await validateStrict(tests, doc)
  const errors = []
  const warnings = []
  for (const t of result.tests) {
    for (const e of t.errors ?? []) errors.push({ test: t.name, ...e })
    for (const w of t.warnings ?? []) warnings.push({ test: t.name, ...w })
  }
  out.push({ file, valid: errors.length === 0 && warnings.length === 0, errors, warnings })
}
const valid = out.every((f) => f.valid)
console.log(JSON.stringify({ files: out, valid }, null, 2))
process.exit(valid ? 0 : 1)
