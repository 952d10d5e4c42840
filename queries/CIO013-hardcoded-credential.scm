; CIO013 hardcoded-credential
;
; A string literal (or a template string; the Rust check skips those with substitutions and
; empty strings) in a credential position of a Customer.io constructor. The capture name says
; which credential it is.

; Track client (and the legacy default export): Site ID, then Track API key.
((new_expression
   arguments: (arguments . [(string) (template_string)] @site_id)) @new
 (#cio-new? @new "track"))

((new_expression
   arguments: (arguments . (_) . [(string) (template_string)] @track_key)) @new
 (#cio-new? @new "track"))

; App API client: App API key.
((new_expression
   arguments: (arguments . [(string) (template_string)] @app_key)) @new
 (#cio-new? @new "app"))

; Pipelines client: write key.
((new_expression
   arguments: (arguments . [(string) (template_string)] @write_key)) @new
 (#cio-new? @new "pipelines"))

; CDP node: `new Analytics({ writeKey: "…" })`.
((new_expression
   arguments: (arguments
     . (object
         (pair
           key: [(property_identifier) (string)] @_key
           value: [(string) (template_string)] @write_key)))) @new
 (#match? @_key "^[\"']?writeKey[\"']?$")
 (#cio-new? @new "cdp-node"))

; CDP browser: `AnalyticsBrowser.load({ writeKey: "…" })`.
((call_expression
   function: (member_expression property: (property_identifier) @_load)
   arguments: (arguments
     . (object
         (pair
           key: [(property_identifier) (string)] @_key
           value: [(string) (template_string)] @write_key)))) @load
 (#eq? @_load "load")
 (#match? @_key "^[\"']?writeKey[\"']?$")
 (#cio-client? @load "cdp-browser"))

; CDP browser snippet: `cioanalytics.load("…")` (the snippet's `load` takes the write key itself).
((call_expression
   function: (member_expression property: (property_identifier) @_load)
   arguments: (arguments . [(string) (template_string)] @write_key)) @load
 (#eq? @_load "load")
 (#cio-call? @load "cdp-browser"))
