; Time keys, used by CIO002 on the members of the objects where a Customer.io call takes
; timestamps: `created_at`, `timestamp`, keys ending `_at`, `At`, `_date`, `Date`, `_time`.
; A member matches only as a direct member of the object the query is run on. `@member` is
; the pair (or the shorthand property), `@key` its key, `@value` its value.

((pair
   key: [(property_identifier) (string)] @key
   value: (_) @value) @member
 (#match? @key "^[\"']?([A-Za-z0-9_$]*(_at|At|_date|Date|_time)|timestamp)[\"']?$"))

; Shorthand `{ placedAt }`: the key is also the value, a `const` to follow.
((shorthand_property_identifier) @key @value @member
 (#match? @key "^([A-Za-z0-9_$]*(_at|At|_date|Date|_time)|timestamp)$"))
