; CIO001 wrong-api-key
;
; Which key a reference names is read from its text (`TRACK` / `APP_API_KEY`, any case); the
; Rust check rejects references that name both kinds. String literals are left to CIO013: their
; text is a secret, not a name.

; The App API client given a Track key: `new APIClient(process.env.CUSTOMERIO_TRACK_API_KEY)`.
((new_expression
   arguments: (arguments . (_) @key)) @new
 (#cio-new? @new "app")
 (#match? @key "(?i)track")
 (#not-match? @key "^[\"'`]"))

; A Track client given an App key: `new TrackClient(siteId, process.env.CUSTOMERIO_APP_API_KEY)`.
((new_expression
   arguments: (arguments . (_) . (_) @key)) @new
 (#cio-new? @new "track")
 (#match? @key "(?i)app_?(api_?)?key")
 (#not-match? @key "^[\"'`]"))

; A Track client given a single argument: no Site ID.
((new_expression
   arguments: (arguments . (_) @only .)) @missing_site_id
 (#cio-new? @missing_site_id "track")
 (#not-match? @only "^\\.\\.\\."))

; Every key given to a Track or App client, whatever its name: the Rust check records what it
; is read from (an environment name, through constants and config objects), and the workspace
; check reports one key given to both APIs.
((new_expression
   arguments: (arguments . (_) . (_) @track_key_use)) @client
 (#cio-new? @client "track"))

((new_expression
   arguments: (arguments . (_) @app_key_use)) @client
 (#cio-new? @client "app"))

; A direct HTTP request to the Track API with an `Authorization` header: the check reports a
; Bearer token (the App API's scheme; the Track API takes Basic auth with the Site ID and the
; Track API key).
((call_expression) @request
 (#cio-routed? @request "authorization"))
