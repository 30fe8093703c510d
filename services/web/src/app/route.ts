import { useEffect, useState } from 'react'

/** The app's screens. Routing is in the URL fragment (#/expenses), so any static server can serve it. */
export const ROUTES = ['inbox', 'expenses', 'insights', 'profile'] as const
export type Route = (typeof ROUTES)[number]

function current(): Route {
  const name = window.location.hash.replace(/^#\/?/, '').split(/[/?]/)[0]
  return (ROUTES as readonly string[]).includes(name ?? '') ? (name as Route) : 'inbox'
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(current)
  useEffect(() => {
    const onChange = () => setRoute(current())
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return route
}
