; CIO002 millisecond-timestamp
;
; A property whose key is a time key (`created_at`, `timestamp`, keys ending `_at`, `At`,
; `_date`, `Date`, `_time`). What the value is (milliseconds, a Date object, an ISO string) is
; decided by the shapes in `queries/shared/time-values.scm`, which are also applied to the
; initialiser of a `const` that the value names. The Rust check confirms that the pair is in the
; attributes, event data or event timestamp of a Customer.io call.
(pair
  key: [(property_identifier) (string)] @key
  value: (_) @value
  (#match? @key "^[\"']?([A-Za-z0-9_$]*(_at|At|_date|Date|_time)|timestamp)[\"']?$"))

; Shorthand `{ placedAt }`: the key is also the value, a `const` to follow.
(object
  (shorthand_property_identifier) @key @value
  (#match? @key "^([A-Za-z0-9_$]*(_at|At|_date|Date|_time)|timestamp)$"))
