; CIO004 email-as-id
;
; The person id of a Customer.io call that names an email: a string containing `@`, or a name
; ending in `email` / `Email` / `EMAIL` (`email`, `userEmail`, `user_email`, `user.email`), also
; through string methods (`email.toLowerCase()`, `user.email.trim()`). The Rust check confirms
; that the capture is the SDK's person id (`CioCall::person_id`) and the exact name shape.

; Positional id: customerio-node `identify(id, …)`, `track(id, …)`, `suppress(id)`,
; `destroy(id)`; CDP browser `identify(userId, traits)`.
((call_expression
   function: (member_expression property: (property_identifier) @method)
   arguments: (arguments
     . [(string) (template_string) (member_expression) (call_expression)] @id)) @call
 (#any-of? @method "identify" "track" "suppress" "unsuppress" "destroy")
 (#match? @id "(@|[Ee]mail|EMAIL)")
 (#cio-call? @call))

; A positional id that is a name: the check asks the value service whether it is made from an
; email (`const customerId = encodeURIComponent(body.email)`, `normalizeEmail(user.email)`).
((call_expression
   function: (member_expression property: (property_identifier) @method)
   arguments: (arguments . (identifier) @id)) @call
 (#any-of? @method "identify" "track" "suppress" "unsuppress" "destroy")
 (#cio-call? @call))

; Id in the payload object: CDP / Pipelines / React Native `{ userId }`, snippet `{ id }`. The
; check takes the id from the payload (`CioCall::person_id`). Matching the `userId` / `id` member
; here made every member of every payload a candidate match, whose key tree-sitter tests only
; once the match is built (docs/performance.md); the payload's text is the cheap filter.
((call_expression
   function: (member_expression property: (property_identifier) @method)
   arguments: (arguments . (object) @payload)) @call
 (#any-of? @method "identify" "track")
 (#match? @payload "(@|[Ee]mail|EMAIL)")
 (#cio-call? @call))

; Ids inside operations: `batch([{ identifiers: { id } }, …])`, `entity({ … })`, a Pipelines
; `batch([{ type: "identify", userId }])`; the check reads each operation's id
; (`CioCall::operations`).
((call_expression
   function: (member_expression property: (property_identifier) @method)
   arguments: (arguments . (_) @operations)) @call
 (#any-of? @method "batch" "entity")
 (#match? @operations "(@|[Ee]mail|EMAIL)")
 (#cio-call? @call))

; The same with an id the payload's text does not name: a name the check follows.
((call_expression
   function: (member_expression property: (property_identifier) @method)
   arguments: (arguments . (object (_ value: (identifier))) @payload)) @call
 (#any-of? @method "identify" "track")
 (#not-match? @payload "(@|[Ee]mail|EMAIL)")
 (#cio-call? @call))

; A direct HTTP request to the Track API: the person id is the id segment of the URL
; (`…/customers/${encodeURIComponent(email)}`), read by the call model.
((call_expression) @call
 (#cio-routed? @call "person-id"))
