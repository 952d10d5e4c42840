; CIO008 no-bounce-handling (workspace rule)
;
; The per-file part records facts for the workspace index: where customerio-node Track / App /
; legacy clients are constructed, and whether the file calls `suppress(` on a customerio-node
; client. Bounce webhook handling is a text search (`mentions_bounce_handling`), since such a
; handler need not mention Customer.io. The findings come from `workspace_check`.

((new_expression) @new
 (#cio-new? @new "track" "app"))

((call_expression
   function: (member_expression property: (property_identifier) @_method)) @suppress
 (#eq? @_method "suppress")
 (#cio-call? @suppress "node"))
