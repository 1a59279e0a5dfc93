// The key service in process (the embedded demo, tests): the same KeyService behind the envelope's
// KeyWrapper / KeyUnwrapper interfaces, acting as one principal, without HTTP.
import type { KeyUnwrapper, KeyWrapper } from '../envelope/envelope.ts';
import type { KeyService } from './service.ts';

/** Wraps for `edgePrincipal` and unwraps as `cloudPrincipal` (which still needs an active grant). */
export function localKeys(service: KeyService, principals: { edge?: string; cloud?: string } = {}): KeyWrapper & KeyUnwrapper {
  return {
    wrap: (r) => service.wrap(r, { principal: principals.edge ?? 'edge' }),
    unwrap: (r) => service.unwrap(r, { principal: principals.cloud ?? 'cloud' }),
  };
}
