; CIO013 hardcoded-credential
;
; The credential positions of the Customer.io clients; the capture name says which credential
; it is (`…_options`: an options object whose `writeKey` is). The Rust check asks the value
; service which string literals can reach each position (directly, through constants, config
; objects and their imports, props, defaults and both branches of a conditional) and reports
; each literal; a placeholder that only serves as an environment fallback is CIO020's.

; Track client (and the legacy default export): Site ID, then Track API key.
((new_expression
   arguments: (arguments . (_) @site_id)) @new
 (#cio-new? @new "track"))

((new_expression
   arguments: (arguments . (_) . (_) @track_key)) @new
 (#cio-new? @new "track"))

; App API client: App API key.
((new_expression
   arguments: (arguments . (_) @app_key)) @new
 (#cio-new? @new "app"))

; Pipelines client: write key.
((new_expression
   arguments: (arguments . (_) @write_key)) @new
 (#cio-new? @new "pipelines"))

; CDP node: `new Analytics({ writeKey: "…" })`, or an options object built elsewhere.
((new_expression
   arguments: (arguments . (_) @write_key_options)) @new
 (#cio-new? @new "cdp-node"))

; CDP browser: `AnalyticsBrowser.load({ writeKey: "…" })`.
((call_expression
   function: (member_expression property: (property_identifier) @_load)
   arguments: (arguments . (_) @write_key_options)) @load
 (#eq? @_load "load")
 (#cio-client? @load "cdp-browser"))

; CDP browser snippet: `cioanalytics.load("…")` (the snippet's `load` takes the write key itself).
((call_expression
   function: (member_expression property: (property_identifier) @_load)
   arguments: (arguments . (_) @write_key)) @load
 (#eq? @_load "load")
 (#cio-call? @load "cdp-browser"))

; A direct HTTP request to the Track API: a literal `Authorization` header, or literal axios
; `auth: { username, password }` (the Site ID and the Track API key), read by the check.
((call_expression) @request
 (#cio-routed? @request))
