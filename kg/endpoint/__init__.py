"""The SPARQL 1.1 endpoint: the protocol (:mod:`kg.endpoint.protocol`), the guard on what a query may reach, and the
query workers behind it (:mod:`kg.endpoint.workers`, :mod:`kg.endpoint.worker`, :mod:`kg.endpoint.channel`,
:mod:`kg.endpoint.fairshare`); :mod:`kg.endpoint.preflight` checks a server's options before it starts."""
