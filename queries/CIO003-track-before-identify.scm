; CIO003 track-before-identify
;
; A track call of a client whose track calls name the person (customerio-node Track API
; `track(id, …)`, PipelinesClient and CDP node `track({ userId, … })`). Ordering is what a
; query cannot say: the Rust check finds the track's statement in its block and looks for an
; `identify` of the same person among the statements that follow it (and none before).
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments . (_))) @track
 (#eq? @_method "track")
 (#cio-call? @track "track" "pipelines" "cdp-node"))
