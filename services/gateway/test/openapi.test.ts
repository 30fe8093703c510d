import t from 'tap'
import { mergeOpenApi } from '../src/openapi.js'
import { loadRouteTable } from '../src/route-table.js'

const table = loadRouteTable()
const info = { title: 'Expenses API', version: '1' }
const problem = (extra: string) => ({ type: 'object', properties: { [extra]: { type: 'string' } } })

t.test('merging keeps only routed paths, reports missing services and versions', async (t) => {
  const merged = mergeOpenApi(
    [
      {
        service: 'auth-service',
        document: { openapi: '3.1.0', paths: { '/auth/v1/login': { post: {} }, '/healthz': { get: {} }, '/user/v1/hijack': { get: {} } } },
      },
      { service: 'user-service', document: { openapi: '3.0.3', paths: { '/user/v1/profile': { get: {} } } } },
      { service: 'ds-service', error: 'connect ECONNREFUSED' },
    ],
    table,
    info,
  )
  t.same(Object.keys(merged.paths), ['/auth/v1/login', '/user/v1/profile'], 'a service cannot publish paths routed elsewhere')
  t.equal(merged.openapi, '3.1.0')
  t.same(merged['x-unavailable'], [{ service: 'ds-service', reason: 'connect ECONNREFUSED' }])
  t.same(merged.servers, [{ url: '/' }])
})

t.test('clashing component names are renamed per service and their $refs follow', async (t) => {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
  const merged = mergeOpenApi(
    [
      {
        service: 'auth-service',
        document: {
          openapi: '3.1.0',
          paths: { '/auth/v1/login': { post: { responses: { 400: { content: { 'application/json': { schema: ref('Problem') } } } } } } },
          components: { schemas: { Problem: problem('a'), Shared: { type: 'string' } }, securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
        },
      },
      {
        service: 'user-service',
        document: {
          openapi: '3.1.0',
          paths: {
            '/user/v1/profile': {
              get: {
                responses: {
                  400: { content: { 'application/json': { schema: ref('Problem') } } },
                  200: { content: { 'application/json': { schema: ref('Shared') } } },
                },
              },
            },
          },
          components: { schemas: { Problem: problem('b'), Shared: { type: 'string' } }, securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
        },
      },
    ],
    table,
    info,
  )
  const schemas = (merged.components as { schemas: Record<string, unknown> }).schemas
  t.same(Object.keys(schemas).sort(), ['Problem', 'Shared', 'user-service.Problem'])
  t.same(schemas['user-service.Problem'], problem('b'), "user-service's own definition is kept under its new name")
  t.same(schemas.Problem, problem('a'))
  const profile = JSON.stringify(merged.paths['/user/v1/profile'])
  t.match(profile, /"#\/components\/schemas\/user-service\.Problem"/, 'user-service refs point at its renamed schema')
  t.match(profile, /"#\/components\/schemas\/Shared"/, 'identical definitions are shared, not renamed')
  t.match(JSON.stringify(merged.paths['/auth/v1/login']), /"#\/components\/schemas\/Problem"/)
})
