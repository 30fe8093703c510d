import t from 'tap'
import { createUpstreamPools, parseUpstreamUrls, UpstreamPool, upstreamTarget } from '../src/upstreams.js'
import { loadRouteTable } from '../src/route-table.js'

const urls = (...ports: number[]) => ports.map((p) => new URL(`http://10.0.0.1:${p}`))
const ports = (plan: { url: URL }[]) => plan.map((i) => Number(i.url.port))

t.test('plans rotate round-robin over healthy instances', async (t) => {
  const pool = new UpstreamPool('s', urls(1, 2, 3), { cooldownMs: 1000 })
  t.same(ports(pool.plan()), [1, 2, 3])
  t.same(ports(pool.plan()), [2, 3, 1])
  t.same(ports(pool.plan()), [3, 1, 2])
  t.same(ports(pool.plan()), [1, 2, 3])
})

t.test('a marked-down instance goes last until its cool-down ends, then rejoins the rotation', async (t) => {
  let now = 0
  const pool = new UpstreamPool('s', urls(1, 2, 3), { cooldownMs: 1000, now: () => now })
  pool.markDown(pool.instances[0]!)
  t.same(ports(pool.plan()), [2, 3, 1])
  t.same(ports(pool.plan()), [2, 3, 1], 'still last even when the cursor points at it')
  t.same(
    pool.health().map((h) => h.healthy),
    [false, true, true],
  )
  now = 1000
  t.same(ports(pool.plan()), [3, 1, 2], 'back in rotation after the cool-down')
  t.same(
    pool.health().map((h) => h.healthy),
    [true, true, true],
  )
})

t.test('when every instance is down they are still tried, soonest-to-recover first', async (t) => {
  let now = 0
  const pool = new UpstreamPool('s', urls(1, 2), { cooldownMs: 1000, now: () => now })
  pool.markDown(pool.instances[1]!)
  now = 10
  pool.markDown(pool.instances[0]!)
  t.same(ports(pool.plan()), [2, 1])
  pool.markUp(pool.instances[0]!)
  t.same(ports(pool.plan()), [1, 2], 'markUp restores an instance at once')
})

t.test('<SERVICE>_URLS parsing', async (t) => {
  t.same(parseUpstreamUrls(' http://a:1 , http://b:2/base ,', 'X_URLS').map(String), ['http://a:1/', 'http://b:2/base'])
  t.throws(() => parseUpstreamUrls(' , ', 'X_URLS'), { message: 'X_URLS: no URLs given' })
  t.throws(() => parseUpstreamUrls('a:b:c', 'X_URLS'), { message: 'X_URLS: "a:b:c" must be an http(s) URL' })
  t.throws(() => parseUpstreamUrls('nope', 'X_URLS'), { message: 'X_URLS: "nope" is not a URL' })
  t.throws(() => parseUpstreamUrls('http://a/?x=1', 'X_URLS'), { message: /must not have a query/ })
})

t.test('pools default to 127.0.0.1 and the port from the route table', async (t) => {
  const pools = createUpstreamPools(loadRouteTable(), { USER_SERVICE_URLS: 'http://u1:9,http://u2:9' }, { cooldownMs: 1 })
  t.same(
    pools.get('auth-service')?.instances.map((i) => i.url.href),
    ['http://127.0.0.1:4001/'],
  )
  t.same(
    pools.get('expense-service')?.instances.map((i) => i.url.href),
    ['http://127.0.0.1:4004/'],
  )
  t.same(
    pools.get('user-service')?.instances.map((i) => i.url.href),
    ['http://u1:9/', 'http://u2:9/'],
  )
})

t.test('the upstream target keeps the request path as text and cannot switch hosts', async (t) => {
  const [plain, based] = [
    { url: new URL('http://a:1'), downUntil: 0 },
    { url: new URL('http://b:2/base/'), downUntil: 0 },
  ]
  t.same(upstreamTarget(plain, '/x/y?z=1'), { origin: 'http://a:1', path: '/x/y?z=1' })
  t.same(upstreamTarget(based, '/x'), { origin: 'http://b:2', path: '/base/x' })
  t.same(upstreamTarget(plain, '//evil.example/x'), { origin: 'http://a:1', path: '//evil.example/x' })
})
