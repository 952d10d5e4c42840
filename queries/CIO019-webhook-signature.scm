; CIO019 webhook-signature
;
; Only in files that handle Customer.io's signed webhooks (`#cio-webhook?`: they call
; customerio-node's `verifyRequestSignature` or read the `X-CIO-Signature` header). The Rust
; check reads the call's options (a re-serialised `body`, a literal `signingSecret`), where its
; result goes (discarded, or assigned and never read), and for a hand-made HMAC the chain
; `createHmac(…).update(…).digest(…)` (a re-serialised body in `update`, a literal key, the
; digest compared with `===` / `!==` instead of `crypto.timingSafeEqual`).

; `verifyRequestSignature({ signingSecret, timestamp, body, signature })`, imported by name.
((call_expression
   function: (identifier) @function) @call
 (#eq? @function "verifyRequestSignature")
 (#cio-webhook? @call))

; The same through a namespace: `customerio.verifyRequestSignature({...})`.
((call_expression
   function: (member_expression property: (property_identifier) @function)) @call
 (#eq? @function "verifyRequestSignature")
 (#cio-webhook? @call))

; A hand-made signature: `crypto.createHmac("sha256", secret)`, `createHmac(…)`.
((call_expression
   function: (member_expression property: (property_identifier) @function)) @hmac
 (#eq? @function "createHmac")
 (#cio-webhook? @hmac))

((call_expression
   function: (identifier) @function) @hmac
 (#eq? @function "createHmac")
 (#cio-webhook? @hmac))
