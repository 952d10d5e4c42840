; CIO007 blocking-request-path
;
; The query finds the shapes of "wait for a Customer.io call"; the Rust check decides
; whether the enclosing function is a web request handler (callback of app/router/server/
; fastify routes, `(req, res)` functions, Next.js API and App Router handlers), whether the
; response was already sent, and follows helpers that the handler awaits (same-file ones by
; name, imported ones through the workspace index).

; `await cio.track(...)`
(await_expression
  (call_expression
    function: (member_expression)) @call
  (#cio-call? @call "node")) @await

; `cio.track(...).then(() => res.json(...))`: the response waits without an `await`.
(call_expression
  function: (member_expression
    object: (call_expression) @call
    property: (property_identifier) @_then)
  arguments: (arguments . [(arrow_function) (function_expression)] @on_fulfilled)
  (#eq? @_then "then")
  (#cio-call? @call "node")) @chain

; `await cio.track(...).catch(...)` (or `.then` / `.finally`): still waits.
(await_expression
  (call_expression
    function: (member_expression
      object: (call_expression) @call
      property: (property_identifier) @chain_method))
  (#any-of? @chain_method "then" "catch" "finally")
  (#cio-call? @call "node")) @await

; `await recordSignup(...)`: the Rust check asks whether `recordSignup` is imported from a
; workspace module whose export awaits a Customer.io call.
(await_expression
  (call_expression
    function: (identifier) @helper)
  (#cio-helper? @helper)) @await

; `await fetch("https://track.customer.io/api/v1/…", …)`: a direct HTTP request to the Track
; API waits just the same.
(await_expression
  (call_expression) @call
  (#cio-routed? @call "track-request")) @await
