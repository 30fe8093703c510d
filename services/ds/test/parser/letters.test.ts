// The generated BMP letter class (src/parser/letters.ts) and the execAll helper that the non-unicode,
// allocation-light patterns rely on.
import t from 'tap'
import { L } from '../../src/parser/letters.js'
import { execAll } from '../../src/parser/regex.js'

/** Regenerates the class body; paste its output into letters.ts if the first test fails after a Node upgrade. */
function bmpLetterClass(): string {
  const hex = (c: number): string => `\\u${c.toString(16).padStart(4, '0')}`
  let out = ''
  let start = -1
  for (let c = 0; c <= 0x10000; c++) {
    const inClass = c < 0xd800 || (c > 0xdfff && c < 0x10000) ? /\p{L}/u.test(String.fromCharCode(c)) : false
    if (inClass && start < 0) start = c
    else if (!inClass && start >= 0) {
      out += start === c - 1 ? hex(start) : `${hex(start)}-${hex(c - 1)}`
      start = -1
    }
  }
  return out
}

t.test('the generated letter class equals \\p{L} on the Basic Multilingual Plane', async (t) => {
  t.equal(L, bmpLetterClass())
})

t.test('the letter class matches letters of every script we parse and nothing else', async (t) => {
  const letter = new RegExp(`^[${L}]$`)
  for (const ch of ['a', 'Z', 'é', 'ß', 'ç', 'ã', 'ł', 'ع', 'ر', 'क', 'ก', 'Ж', 'ا']) t.ok(letter.test(ch), `${ch} is a letter`)
  for (const ch of ['1', '٣', '९', ' ', '.', '-', '₹', '€', '$', '@', '\u200f', '\n']) t.notOk(letter.test(ch), `${JSON.stringify(ch)} is not a letter`)
})

t.test('execAll returns every match in order and leaves the regex reusable', async (t) => {
  const re = /\d+/g
  t.same(
    execAll(re, 'a1 b22 c333').map((m) => m[0]),
    ['1', '22', '333'],
  )
  t.equal(re.lastIndex, 0)
  t.same(execAll(re, 'none'), [])
  t.same(
    execAll(re, '9 8').map((m) => m.index),
    [0, 2],
    'a second call starts from the beginning again',
  )
})

t.test('execAll terminates on zero-length matches and honours its limit', async (t) => {
  t.equal(execAll(/(?=a)/g, 'aaaa').length, 4)
  t.equal(execAll(/x*/g, 'abc').length, 4)
  t.equal(execAll(/a/g, 'a'.repeat(10_000), 50).length, 50)
})
