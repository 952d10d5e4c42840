; CIO005 identify-without-email
;
; An identify call on a Customer.io client. The Rust check takes the call's attributes
; (`CioCall::attributes`: the second argument, CDP / Pipelines / React Native `traits`, the
; snippet's object) and reports an object literal among whose own members there is a
; `created_at` key (CDP: also `createdAt`), no `email` key and no spread element.
;
; Why the created_at key is not matched here: a pattern that reaches it must try every member of
; every identify call's attributes (and of every object-valued member of a CDP payload) as a
; candidate, and tree-sitter tests the key's text only after the whole match is built. That cost
; about as much as all other identify patterns together (docs/performance.md). The check looks
; the key up among the attributes' own members, next to its lookup of `email`.
((call_expression
   function: (member_expression property: (property_identifier) @_method)) @call
 (#eq? @_method "identify")
 (#cio-call? @call))
