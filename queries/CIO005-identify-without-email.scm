; CIO005 identify-without-email
;
; An identify call on a Customer.io client with an object literal that carries `created_at`
; (CDP traits: also `createdAt`). The Rust check confirms that the object is the call's
; attributes (`CioCall::attributes`) and that it has no `email` key and no spread element.

; Attributes as an argument: customerio-node `identify(id, {…})`, CDP browser
; `identify(userId, {…})`, snippet `_cio.identify({…})`.
((call_expression
   function: (member_expression property: (property_identifier) @method)
   arguments: (arguments
     (object
       [(pair key: [(property_identifier) (string)] @created)
        (shorthand_property_identifier) @created]) @attributes)) @call
 (#eq? @method "identify")
 (#match? @created "^[\"']?(created_at|createdAt)[\"']?$")
 (#cio-call? @call))

; Traits inside the payload: CDP / Pipelines / React Native `identify({ userId, traits: {…} })`.
((call_expression
   function: (member_expression property: (property_identifier) @method)
   arguments: (arguments
     . (object
         (pair
           key: (property_identifier) @_traits
           value: (object
             [(pair key: [(property_identifier) (string)] @created)
              (shorthand_property_identifier) @created]) @attributes)))) @call
 (#eq? @method "identify")
 (#eq? @_traits "traits")
 (#match? @created "^[\"']?(created_at|createdAt)[\"']?$")
 (#cio-call? @call))
