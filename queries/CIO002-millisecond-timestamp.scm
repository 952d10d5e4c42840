; CIO002 millisecond-timestamp
;
; A call on a Customer.io client. Where such a call takes timestamps depends on its SDK and
; method, so the Rust check finds those objects (`CioCall`: identify attributes, track data)
; and matches their members against the time-key shapes of `queries/shared/time-keys.scm`;
; the event payload's own `timestamp` is a time key by name. What a value is (milliseconds, a
; Date object, an ISO string) is decided by the shapes in `queries/shared/time-values.scm`,
; which are also applied to the initialiser of a `const` that the value names.
;
; The time keys are not matched by this query itself: rooted at the call, those patterns made
; the query cursor enter every member of every nested `data` object of every client call,
; which cost more than matching only the objects the check picks (docs/performance.md).
((call_expression) @call
 (#cio-call? @call))

; A direct HTTP request to the Track API (`fetch`/`axios`/`got`/`ky` to
; `https://track.customer.io/api/v1/customers/{id}`): its JSON body holds the attributes or the
; event, which the check reads the same way (`CioCall` of the request).
((call_expression) @call
 (#cio-routed? @call "timestamps"))
