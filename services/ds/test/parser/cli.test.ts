// Spawns the real CLI (the evaluation entry point) with JSON Lines on stdin.
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..')

function runCli(input: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'parse-messages'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ stdout, stderr, code }))
    child.stdin.end(input)
  })
}

t.test('parse-messages prints one JSON result per input line, in order, and survives bad lines', async (t) => {
  const lines = [
    JSON.stringify({
      id: 'a',
      sender: 'VM-HDFCBK',
      receivedAt: '2024-03-13T10:00:00Z',
      text: 'Rs.500.00 debited from a/c **1234 on 12-03-24 to VPA swiggy@icici(UPI Ref No 412345678901).',
    }),
    'this is not json',
    JSON.stringify({ id: 'c', text: 'Your OTP is 123456' }),
    JSON.stringify({ id: 'd' }),
    JSON.stringify({ id: 7, text: 'You spent £4.50 at Pret A Manger', sender: 'Monzo' }),
  ]
  const { stdout, code } = await runCli(lines.join('\n') + '\n')
  t.equal(code, 0)
  const out = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
  t.equal(out.length, 5, 'only JSON lines on stdout, one per input')
  t.same(out[0], {
    id: 'a',
    result: {
      isTransaction: true,
      type: 'debit',
      amount: '500.00',
      currency: 'INR',
      merchant: 'swiggy@icici',
      accountLast4: '1234',
      balance: null,
      occurredAt: '2024-03-12',
      channel: 'upi',
      reference: '412345678901',
    },
  })
  t.same(out[1], { id: null, error: 'invalid JSON' })
  t.equal((out[2]?.result as Record<string, unknown>).isTransaction, false)
  t.same(out[3], { id: 'd', error: 'missing "text" string' })
  t.same([out[4]?.id, (out[4]?.result as Record<string, unknown>).amount], [7, '4.50'])
})

t.test('parse-messages handles empty input', async (t) => {
  const { stdout, code } = await runCli('')
  t.equal(code, 0)
  t.equal(stdout, '')
})
