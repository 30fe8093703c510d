import t from 'tap'
import { bearerSecurity, problemResponses, Type } from '../src/index.js'
import { buildTestApp } from './helpers.js'

t.test('/openapi.json documents routes from their schemas, problems as application/problem+json', async (t) => {
  const { app } = await buildTestApp({ service: 'expense-service', title: 'Expense API', version: '1.2.3', description: 'Expenses' })
  t.teardown(() => app.close())
  const Expense = Type.Object({ id: Type.String({ format: 'uuid' }), amount: Type.String() })
  app.get(
    '/expense/v1/expenses/:id',
    {
      schema: {
        summary: 'Get one expense',
        security: bearerSecurity,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: Expense, ...problemResponses(401, 404) },
      },
    },
    async (request) => ({ id: request.params.id, amount: '1.00' }),
  )

  const res = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.match(doc.openapi, /^3\./)
  t.same(doc.info, { title: 'Expense API', version: '1.2.3', description: 'Expenses' })
  t.same(doc.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })

  const op = doc.paths['/expense/v1/expenses/{id}'].get
  t.equal(op.summary, 'Get one expense')
  t.same(op.security, [{ bearerAuth: [] }])
  t.same(op.responses['200'].content['application/json'].schema.properties.amount, { type: 'string' })
  for (const status of ['401', '404']) {
    const schema = op.responses[status].content['application/problem+json'].schema
    t.same(schema.required, ['type', 'title', 'status', 'code', 'requestId'], `${status} is a problem`)
  }
  const paths = Object.keys(doc.paths)
  t.same(paths, ['/expense/v1/expenses/{id}'], 'openapi.json, probes and metrics are hidden')
})

t.test('serveOpenApi: false leaves GET /openapi.json to the app (the gateway serves a merged document)', async (t) => {
  const { app: bare } = await buildTestApp({ service: 'gateway', serveOpenApi: false })
  t.teardown(() => bare.close())
  t.equal((await bare.inject({ method: 'GET', url: '/openapi.json' })).statusCode, 404, 'not served by the platform')
  const { app } = await buildTestApp({ service: 'gateway', serveOpenApi: false })
  t.teardown(() => app.close())
  app.get('/openapi.json', async () => ({ merged: true }))
  t.same((await app.inject({ method: 'GET', url: '/openapi.json' })).json(), { merged: true }, 'the app can register its own')
})
