; CIO009 client-per-request
;
; A Customer.io client constructor (`new TrackClient`, `new APIClient`, `new PipelinesClient`,
; the legacy `new CIO`, `new Analytics` of the CDP node library). Whether it sits in a function
; body, and whether that function is a lazy singleton, a per-tenant cache, a class constructor
; or a factory run once at module load, is scope logic for the Rust check.
((new_expression
   constructor: [(identifier) (member_expression)]) @new
 (#cio-new? @new "track" "app" "pipelines" "cdp-node"))
