; CIO012 pii-in-event-name
;
; A literal, template or concatenated event name, in the event-name position of each SDK's
; track call, whose text mentions an email address or a value named like personal data. The
; `#match?` is a cheap prefilter on the text; the Rust check decides from the value names
; (`user.email`, `phoneNumber`, `firstName`, `req.ip`; not `product.name`) and the static text
; (an email address).

; customerio-node Track API: cio.track(id, { name: `signup_${user.email}` }), trackAnonymous
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments
     .
     (_)
     .
     (object
       (pair
         key: [(property_identifier) (string)] @_key
         value: [(string) (template_string) (binary_expression operator: "+")] @name)))) @call
 (#any-of? @_method "track" "trackAnonymous")
 (#match? @_key "^[\"']?name[\"']?$")
 (#match? @name "(?i)(@|mail|phone|msisdn|name|address|ssn|ip)")
 (#cio-call? @call "track"))

; PipelinesClient and CDP node: client.track({ userId, event: `…` })
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments
     .
     (object
       (pair
         key: [(property_identifier) (string)] @_key
         value: [(string) (template_string) (binary_expression operator: "+")] @name)))) @call
 (#eq? @_method "track")
 (#match? @_key "^[\"']?event[\"']?$")
 (#match? @name "(?i)(@|mail|phone|msisdn|name|address|ssn|ip)")
 (#cio-call? @call "pipelines" "cdp-node"))

; Snippet, CDP browser, React Native: _cio.track(`…`, data)
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments
     .
     [(string) (template_string) (binary_expression operator: "+")] @name)) @call
 (#eq? @_method "track")
 (#match? @name "(?i)(@|mail|phone|msisdn|name|address|ssn|ip)")
 (#cio-call? @call "snippet" "cdp-browser" "react-native"))

; The event operations of `batch([...])` / `entity({...})`: the check reads each operation's
; name (`CioCall::operations`).
((call_expression
   function: (member_expression property: (property_identifier) @_method)
   arguments: (arguments . (_) @operations)) @call
 (#any-of? @_method "batch" "entity")
 (#match? @operations "(?i)(@|mail|phone|msisdn|name|address|ssn|ip)")
 (#cio-call? @call "track" "pipelines"))

; A direct HTTP request to the Track API (`POST …/customers/{id}/events`): the event name is the
; `name` of its JSON body, read by the call model.
((call_expression) @call
 (#cio-routed? @call "event-name"))
