; CIO016 region-mismatch (workspace rule)
;
; The per-file part records every customerio-node client construction (Track, App, Pipelines,
; legacy) with its region argument for the workspace index; the findings come from
; `workspace_check`, which compares the regions of all clients of the workspace.
((new_expression) @new
 (#cio-new? @new "node"))
