; CIO014 unhandled-rejection
;
; A promise-returning Customer.io call (customerio-node) whose promise is thrown away. The
; patterns find the places a floating promise can sit; the Rust check climbs `.then`/`.finally`
; chains, looks for a `.catch` / `.then(_, onRejected)`, and confirms that a returned promise
; is returned to `forEach`, which discards it.

; `cio.track(...);`
(expression_statement
  (call_expression) @call
  (#cio-call? @call "node"))

; `void cio.track(...)`: void discards the promise, it does not handle its rejection.
(unary_expression
  operator: "void"
  argument: (call_expression) @call
  (#cio-call? @call "node"))

; `cio.track(...).then(...)`, `.finally(...)`, `.catch(...)`: the chain decides.
(member_expression
  object: (call_expression) @call
  property: (property_identifier) @_chain
  (#any-of? @_chain "then" "catch" "finally")
  (#cio-call? @call "node"))

; `users.forEach((u) => cio.track(...))`
(call_expression
  function: (member_expression
    property: (property_identifier) @_for_each)
  arguments: (arguments
    (arrow_function
      body: (call_expression) @call))
  (#eq? @_for_each "forEach")
  (#cio-call? @call "node"))

; `users.forEach(function (u) { return cio.track(...) })`
(return_statement
  (call_expression) @call
  (#cio-call? @call "node"))

; A call of a wrapper that returns (or, `async`, awaits outside a `try`) a customerio-node
; promise: the rejection reaches the call site, which throws the promise away just the same.
(expression_statement
  (call_expression) @call
  (#cio-routed? @call "rejects"))

(unary_expression
  operator: "void"
  argument: (call_expression) @call
  (#cio-routed? @call "rejects"))

(member_expression
  object: (call_expression) @call
  property: (property_identifier) @_chain
  (#any-of? @_chain "then" "catch" "finally")
  (#cio-routed? @call "rejects"))
