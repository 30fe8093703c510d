/**
 * Request bodies are read as raw bytes (never parsed: the service owns its formats), with the
 * body limit of the matched route. Buffering is bounded by that limit and is what makes a
 * retry on another instance possible after a refused connection.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Readable } from 'node:stream'
import { httpErrors } from '@expenses/platform'

/** Replaces every content-type parser of `app` (an encapsulated proxy context) with a raw reader. */
export function useRawBodies(app: FastifyInstance, limitFor: (request: FastifyRequest) => number): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (request, payload, done) => {
    readLimited(payload, limitFor(request), request.headers['content-length']).then(
      (body) => done(null, body),
      (err: Error) => done(err, undefined),
    )
  })
}

function tooLarge(limit: number) {
  return httpErrors.payloadTooLarge(`The request body exceeds the ${limit}-byte limit of this route`)
}

function readLimited(payload: Readable, limit: number, contentLength: string | undefined): Promise<Buffer> {
  // Refuse before reading anything when the size is declared up front.
  if (contentLength !== undefined && Number(contentLength) > limit) return Promise.reject(tooLarge(limit))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanup = () => {
      payload.off('data', onData)
      payload.off('end', onEnd)
      payload.off('error', onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        cleanup()
        // Unread remainder is discarded by Node once the response is sent.
        payload.resume()
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      cleanup()
      resolve(Buffer.concat(chunks, size))
    }
    const onError = (err: Error) => {
      cleanup()
      reject(err)
    }
    payload.on('data', onData)
    payload.on('end', onEnd)
    payload.on('error', onError)
  })
}
