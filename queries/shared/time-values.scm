; Shapes of time values, used by CIO002 on a time key's value and on the initialiser of a
; `const` that the value names. A shape matches only at the value's root: `Date.now()` is
; milliseconds, `Math.floor(Date.now() / 1000)` is not any of these.

; Milliseconds: Date.now(), Date.parse(s)
((call_expression
   function: (member_expression
     object: (identifier) @_object
     property: (property_identifier) @_method)) @millis
 (#eq? @_object "Date")
 (#any-of? @_method "now" "parse"))

; Milliseconds: x.getTime(), x.valueOf(), dayjs().valueOf(), moment().valueOf(),
; DateTime.now().toMillis()
((call_expression
   function: (member_expression
     property: (property_identifier) @_method)) @millis
 (#any-of? @_method "getTime" "valueOf" "toMillis"))

; Milliseconds: +new Date()
((unary_expression
   operator: "+"
   argument: (new_expression constructor: (identifier) @_class)) @millis
 (#eq? @_class "Date"))

; Milliseconds: Number(new Date())
((call_expression
   function: (identifier) @_function
   arguments: (arguments . (new_expression constructor: (identifier) @_class) .)) @millis
 (#eq? @_function "Number")
 (#eq? @_class "Date"))

; Milliseconds: a numeric literal of 13 or more digits (1704067200000, 1_704_067_200_000)
((number) @millis
 (#match? @millis "^[0-9](_?[0-9]){12,}$"))

; A Date object: new Date(), new Date(s)
((new_expression constructor: (identifier) @_class) @date_object
 (#eq? @_class "Date"))

; An ISO string: d.toISOString()
((call_expression
   function: (member_expression
     property: (property_identifier) @_method)) @iso_string
 (#eq? @_method "toISOString"))
