; CIO011 unthrottled-loop
;
; Scope: customerio-node clients (the CDP libraries batch internally; the snippet runs once per
; browser). The Rust check walks up to the nearest function: an awaited Track API call must sit
; in the body of a loop of that function; any client call in a `.map`/`.forEach` callback fires
; one request per element at once. Either way no limiter (`limiter.schedule`, `queue.add`,
; `limit(() => …)`) may be wrapped around it.

; `for (...) { await cio.track(...) }`
(await_expression
  (call_expression
    function: (member_expression)) @call
  (#cio-call? @call "node"))

; `users.map((u) => cio.identify(...))`, `users.forEach(async (u) => { await cio.track(...) })`,
; and `for (...) { cio.track(...) }` not awaited: every iteration fires at once
((call_expression
   function: (member_expression)) @call
 (#cio-call? @call "node"))
